import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { openAnxunDB, type AnxunDB, type OutboxEntry } from '../src/lib/db'
import { discard, enqueue, entriesOf, retryAll, runOutbox, sha256Hex } from '../src/lib/outbox'
import { PHOTO_KEEP_MS, prune } from '../src/lib/prune'

const USER = 7
let dbn = 0
const base = { userId: USER, attempts: 0, nextAt: 0, state: 'pending' as const, createdAt: 0, label: 't' }

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

/** Photos by sha256 (a server-side purge forgets them), hazards by client id, one submit. */
class Server {
  log: string[] = []
  photos = new Map<string, number>()
  hazards = new Map<string, number[]>()
  purged = new Set<number>()
  nextId = 100
  /** called while a request is in flight (the user acting at that moment) */
  during: (() => Promise<void>) | null = null

  fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const path = url.replace('/api/v1', '').split('?')[0] as string
    this.log.push(`${init?.method} ${path}`)
    if (this.during) {
      const act = this.during
      this.during = null
      await act()
    }
    if (path === '/photos') {
      const sha = await sha256Hex(init?.body as Blob)
      let id = this.photos.get(sha)
      if (id === undefined || this.purged.has(id)) id = this.nextId++
      this.photos.set(sha, id)
      return json(201, { id, sha256: sha })
    }
    if (path === '/hazards') {
      const body = JSON.parse(String(init?.body)) as { client_id: string; photo_ids: number[] }
      const bad = body.photo_ids.filter((p) => this.purged.has(p))
      if (bad.length) return json(422, { error: { code: 'invalid_photo', message: '照片不存在或无权使用', details: { photo_ids: bad } } })
      this.hazards.set(body.client_id, body.photo_ids)
      return json(201, { id: this.nextId++ })
    }
    if (/^\/inspections\/\d+\/submit$/.test(path)) return json(200, { id: 1 })
    return json(404, { error: { code: 'not_found', message: path } })
  }
}

async function addPhoto(db: AnxunDB, id: string, bytes: string, object: string, createdAt = 0): Promise<void> {
  const blob = new Blob([bytes], { type: 'image/jpeg' })
  await db.put('photos', { id, userId: USER, blob, sha256: await sha256Hex(blob), width: 1, height: 1, createdAt })
  await enqueue(db, { ...base, kind: 'photo', object, photoId: id, siteId: 1 } as OutboxEntry)
}

async function addHazard(db: AnxunDB, clientId: string, photos: string[]): Promise<void> {
  await enqueue(db, {
    ...base, kind: 'hazard', object: `hazard:${clientId}`, clientId, photos,
    body: { title: '电线裸露', description: null, site_id: 1, category: 'water_power', grade: 'general', captured_at: '' },
  } as OutboxEntry)
}

describe('outbox: fixing, re-uploading, pruning', () => {
  let db: AnxunDB
  let server: Server
  let clock: number
  const deps = () => ({ db, userId: USER, token: 'tok', fetchImpl: server.fetch, now: () => clock, random: () => 0.5 })

  beforeEach(async () => {
    db = await openAnxunDB(`fix-${dbn++}`)
    server = new Server()
    clock = 100 * PHOTO_KEEP_MS
  })

  it('re-uploads the kept blob on invalid_photo, ahead of the entry, and sends the report once', async () => {
    await addPhoto(db, 'p1', 'jpeg-1', 'hazard:h1')
    await addHazard(db, 'h1', ['p1'])
    server.during = async () => {} // nothing: first photo upload goes through
    // the photo is uploaded; the server then purges it before the hazard arrives
    const inner = server.fetch
    server.fetch = async (url, init) => {
      const res = await inner(url, init)
      if (url.includes('/photos?')) server.purged.add(100)
      return res
    }
    let r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 1, attention: 0, remaining: 2 })
    const queued = await entriesOf(db, USER)
    expect(queued.map((e) => e.kind)).toEqual(['photo', 'hazard']) // the new upload goes first
    expect(queued[1]).toMatchObject({ reuploaded: true, state: 'pending', clientId: 'h1' })
    server.fetch = inner
    r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 2, remaining: 0 })
    expect(server.log).toEqual(['POST /photos', 'POST /hazards', 'POST /photos', 'POST /hazards'])
    expect([...server.hazards.entries()]).toEqual([['h1', [101]]])
  })

  it('parks an entry whose re-uploaded photo is refused again (no loop)', async () => {
    await addPhoto(db, 'p1', 'jpeg-1', 'hazard:h1')
    await addHazard(db, 'h1', ['p1'])
    const inner = server.fetch
    server.fetch = async (url, init) => {
      const res = await inner(url, init)
      if (url.includes('/photos?')) server.purged.add(server.photos.get(await sha256Hex(new Blob(['jpeg-1']))) as number)
      return res
    }
    await runOutbox(deps())
    const r = await runOutbox(deps())
    expect(r).toMatchObject({ attention: 1 })
    expect((await entriesOf(db, USER)).at(-1)).toMatchObject({ kind: 'hazard', state: 'attention', error: { code: 'invalid_photo' } })
  })

  it('a discard while a run is sending that entry is not undone by the run', async () => {
    await addPhoto(db, 'p1', 'jpeg-1', 'hazard:h1')
    await addHazard(db, 'h1', ['p1'])
    const [photo] = await entriesOf(db, USER)
    // the run reads the queue, then the user discards the photo while its upload is in flight
    server.during = () => discard(db, USER, photo?.seq as number)
    await runOutbox(deps())
    const left = await entriesOf(db, USER)
    expect(left.some((e) => e.kind === 'photo')).toBe(false)
    expect(await db.get('photos', 'p1')).toBeUndefined()
  })

  it('retryAll re-reads in its transaction: an entry sent meanwhile is not written back', async () => {
    await addHazard(db, 'h1', [])
    const [e] = await entriesOf(db, USER)
    await db.delete('outbox', e?.seq as number) // confirmed by a run
    await retryAll(db, USER)
    expect(await entriesOf(db, USER)).toEqual([])
  })

  it('deletes the draft only when the server confirms the submit', async () => {
    const draft = { id: 'i1', userId: USER, moduleId: 1, moduleName: 'm', versionId: 1, siteId: 1, siteName: 's',
      checkin: 'list' as const, startedAt: '', answers: {}, queued: {}, status: 'submitting' as const, updatedAt: 0 }
    await db.put('drafts', draft)
    await db.put('idmap', { key: `${USER}:inspection:i1`, id: 5 })
    await enqueue(db, { ...base, kind: 'inspection_submit', object: 'inspection:i1', clientId: 'i1' } as OutboxEntry)
    const inner = server.fetch
    server.fetch = async () => json(503, { error: { code: 'down', message: '维护中' } })
    await runOutbox(deps())
    expect(await db.get('drafts', 'i1')).toMatchObject({ status: 'submitting' })
    server.fetch = inner
    clock += 60_000
    await runOutbox(deps())
    expect(await db.get('drafts', 'i1')).toBeUndefined()
  })

  it('discarding queued answers makes the checklist a draft that queues them again', async () => {
    await db.put('drafts', { id: 'i2', userId: USER, moduleId: 1, moduleName: 'm', versionId: 1, siteId: 1, siteName: 's',
      checkin: 'list', startedAt: '', status: 'submitting', updatedAt: 0,
      answers: { 5: { item_id: 5, result: 'pass', photos: [] }, 6: { item_id: 6, result: 'pass', photos: [] } },
      queued: { 5: 'x', 6: 'y' } })
    await enqueue(db, { ...base, kind: 'inspection_answers', object: 'inspection:i2', clientId: 'i2',
      answers: [{ item_id: 6, result: 'pass', photos: [] }] } as OutboxEntry)
    const [answers] = await entriesOf(db, USER)
    await discard(db, USER, answers?.seq as number)
    expect(await db.get('drafts', 'i2')).toMatchObject({ status: 'draft', queued: { 5: 'x' } })
    expect((await db.get('drafts', 'i2'))?.queued).not.toHaveProperty('6')
  })

  it('prunes confirmed photos no entry or draft uses, old cache rows, not the catalogue', async () => {
    await addPhoto(db, 'sent', 'a', 'hazard:h1')
    await addHazard(db, 'h1', ['sent'])
    await addPhoto(db, 'queued', 'b', 'hazard:h2')
    await addHazard(db, 'h2', ['queued'])
    const blob = new Blob(['c'], { type: 'image/jpeg' })
    await db.put('photos', { id: 'fresh', userId: USER, blob, sha256: '', width: 1, height: 1, createdAt: clock })
    await db.put('photos', { id: 'drafted', userId: USER, blob, sha256: '', width: 1, height: 1, createdAt: 0 })
    await db.put('drafts', { id: 'd1', userId: USER, moduleId: 1, moduleName: 'm', versionId: 1, siteId: 1, siteName: 's',
      checkin: 'list', startedAt: '', queued: {}, status: 'draft', updatedAt: 0,
      answers: { 1: { item_id: 1, result: 'fail', photos: ['drafted'] } } })
    await db.put('cache', { key: `${USER}:/hazards/1`, value: 1, at: 0 })
    await db.put('cache', { key: `${USER}:/hazards/2`, value: 1, at: clock })
    await db.put('cache', { key: `${USER}:catalogue:sites`, value: [], at: 0 })
    const inner = server.fetch
    server.fetch = async (url, init) => (String(init?.body).includes('"h2"') ? json(503, {}) : inner(url, init))
    await runOutbox(deps()) // h1 and its photo confirmed; h2 waits
    const pruned = await prune(db, USER, clock)
    expect(pruned).toEqual(['sent'])
    expect((await db.getAllKeys('photos')).sort()).toEqual(['drafted', 'fresh', 'queued'])
    expect(await db.get('idmap', `${USER}:photo:sent`)).toBeUndefined()
    expect((await db.getAllKeys('cache')).sort()).toEqual([`${USER}:/hazards/2`, `${USER}:catalogue:sites`])
  })
})

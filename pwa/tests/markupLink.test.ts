import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { openAnxunDB, type AnxunDB, type OutboxEntry } from '../src/lib/db'
import { discard, enqueue, entriesOf, runOutbox, sha256Hex } from '../src/lib/outbox'

const USER = 7
let dbn = 0

/** POST /photos and POST /hazards only: what each photo upload named as its original. */
class PhotoServer {
  uploads: Array<{ clientId: string; id: number; markupOf: number | null }> = []
  private nextId = 500

  fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const { pathname, searchParams: query } = new URL(url, 'http://phone')
    const path = pathname.replace('/api/v1', '')
    if (path === '/photos') {
      const id = this.nextId++
      const markupOf = query.get('markup_of')
      this.uploads.push({ clientId: String(query.get('client_id')), id, markupOf: markupOf === null ? null : Number(markupOf) })
      return json(201, { id, sha256: await sha256Hex(init?.body as Blob) })
    }
    if (path === '/hazards') return json(201, { id: this.nextId++ })
    return json(404, { error: { code: 'not_found', message: path } })
  }

  idOf(clientId: string): number | undefined {
    return this.uploads.find((u) => u.clientId === clientId)?.id
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

const base = { userId: USER, attempts: 0, nextAt: 0, state: 'pending' as const, createdAt: 0, label: 't' }

async function addPhoto(db: AnxunDB, id: string, object: string, markupOf?: string, entry: Partial<OutboxEntry> = {}): Promise<void> {
  const blob = new Blob([`bytes of ${id}`], { type: 'image/jpeg' })
  await db.put('photos', { id, userId: USER, blob, sha256: await sha256Hex(blob), width: 1, height: 1, createdAt: 0,
    ...(markupOf ? { markupOf } : {}) })
  await enqueue(db, { ...base, kind: 'photo', object, photoId: id, siteId: 1, ...entry } as OutboxEntry)
}

async function addHazard(db: AnxunDB, clientId: string, photos: string[]): Promise<void> {
  await enqueue(db, {
    ...base, kind: 'hazard', object: `hazard:${clientId}`, clientId, photos,
    body: { title: '地面油渍', description: null, site_id: 1, category: 'food', grade: 'general', captured_at: '' },
  } as OutboxEntry)
}

describe('a marked-up copy names its original', () => {
  let db: AnxunDB
  let server: PhotoServer
  let clock: number
  const deps = () => ({ db, userId: USER, token: 'tok', fetchImpl: server.fetch, now: () => clock, random: () => 0.5 })

  beforeEach(async () => {
    db = await openAnxunDB(`markup-${dbn++}`)
    server = new PhotoServer()
    clock = 1_000_000
  })

  it('sends markup_of = the original\'s server id; the original and other photos send none', async () => {
    await addPhoto(db, 'orig', 'hazard:h1')
    await addPhoto(db, 'copy', 'hazard:h1', 'orig')
    await addPhoto(db, 'other', 'hazard:h1')
    await addHazard(db, 'h1', ['orig', 'copy', 'other'])
    expect(await runOutbox(deps())).toMatchObject({ sent: 4, remaining: 0 })
    expect(server.uploads.map((u) => [u.clientId, u.markupOf])).toEqual([
      ['orig', null], ['copy', server.idOf('orig')], ['other', null]])
  })

  it('an original uploaded in an earlier run is found by its server id', async () => {
    await addPhoto(db, 'orig', 'hazard:h1')
    await runOutbox(deps())
    await addPhoto(db, 'copy', 'hazard:h1', 'orig')
    await runOutbox(deps())
    expect(server.uploads[1]).toMatchObject({ clientId: 'copy', markupOf: server.idOf('orig') })
  })

  it('waits while its original is still queued (backed off elsewhere), then names it', async () => {
    await addPhoto(db, 'orig', 'hazard:h1', undefined, { nextAt: clock + 60_000 }) // its object backed off
    await addPhoto(db, 'copy', 'hazard:h2', 'orig')
    let r = await runOutbox(deps())
    expect(server.uploads).toEqual([])
    expect(r).toMatchObject({ sent: 0, remaining: 2, attention: 0 })
    const copy = (await entriesOf(db, USER)).find((e) => e.kind === 'photo' && e.photoId === 'copy')
    expect(copy).toMatchObject({ state: 'pending', attempts: 1, error: { code: 'markup_original_pending' } })
    clock += 60_000
    r = await runOutbox(deps())
    expect(r).toMatchObject({ sent: 2, remaining: 0 })
    expect(server.uploads.map((u) => [u.clientId, u.markupOf])).toEqual([['orig', null], ['copy', server.idOf('orig')]])
  })

  it('goes as a photo of its own when its original was discarded unsent', async () => {
    await addPhoto(db, 'orig', 'hazard:h1', undefined, { nextAt: clock + 60_000 })
    await addPhoto(db, 'copy', 'hazard:h2', 'orig')
    const origSeq = (await entriesOf(db, USER))[0]?.seq as number
    await discard(db, USER, origSeq)
    expect(await runOutbox(deps())).toMatchObject({ sent: 1, remaining: 0 })
    expect(server.uploads).toEqual([{ clientId: 'copy', id: server.idOf('copy'), markupOf: null }])
  })
})

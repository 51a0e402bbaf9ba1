import 'fake-indexeddb/auto'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AnxunDB, DraftInspection, OutboxEntry } from '../src/lib/db'

// session.ts reads localStorage when imported: a tiny stand-in for node
const store = new Map<string, string>()
Object.assign(globalThis, {
  localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v), removeItem: (k: string) => store.delete(k) },
})

const USER = 4
const base = { userId: USER, attempts: 0, nextAt: 0, state: 'pending' as const, createdAt: 0, label: '后厨消防日检' }
const startBody = { module_id: 3, site_id: 1, kind: 'routine', checkin_method: 'list' as const, started_at: '' }
let capture: typeof import('../src/lib/capture')
let dbmod: typeof import('../src/lib/db')
let outbox: typeof import('../src/lib/outbox')
let d: AnxunDB
let n = 0

beforeAll(async () => {
  capture = await import('../src/lib/capture')
  dbmod = await import('../src/lib/db')
  outbox = await import('../src/lib/outbox')
  d = await dbmod.db()
})

function json(status: number, body: unknown): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

/** Starts a draft, takes answers, deletes a draft with the status this test sets. */
class Server {
  log: string[] = []
  /** server id -> the DELETE's answer (204 unless set) */
  deleteStatus = new Map<number, number>()
  fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const path = url.replace('/api/v1', '')
    this.log.push(`${init?.method} ${path}`)
    if (path === '/inspections') return json(201, { id: 61 })
    if (init?.method === 'DELETE') {
      const status = this.deleteStatus.get(Number(path.split('/').pop())) ?? 204
      // the server's own answers (backend/inspections: InspectionNotFound, InspectionSubmitted)
      const error = status === 404 ? { code: 'inspection_not_found', message: '检查不存在' }
        : { code: 'inspection_submitted', message: '检查已提交，不能再修改' }
      return json(status, { error })
    }
    return json(200, { id: 61 })
  }
}

/** A checklist on this phone (a fresh client id per test: they share the app's database). */
async function onPhone(): Promise<string> {
  const id = `c${n++}`
  const draft: DraftInspection = { id, userId: USER, moduleId: 3, moduleName: '后厨消防日检', versionId: 30, siteId: 1,
    siteName: '一食堂后厨', checkin: 'list', startedAt: '', answers: {}, queued: {}, status: 'draft', updatedAt: 0 }
  await d.put('drafts', draft)
  return id
}

const mine = async (id: string): Promise<OutboxEntry[]> =>
  (await outbox.entriesOf(d, USER)).filter((e) => e.object === `inspection:${id}`)

describe('删除草稿', () => {
  let server: Server
  const run = () => outbox.runOutbox({ db: d, userId: USER, token: 't', fetchImpl: server.fetch })
  beforeEach(() => {
    server = new Server()
  })

  it('a checklist the server never saw is deleted on the phone only', async () => {
    const id = await onPhone()
    await outbox.enqueue(d, { ...base, kind: 'inspection_start', object: `inspection:${id}`, clientId: id, body: startBody } as OutboxEntry)
    expect(await capture.deleteInspectionDraft(USER, id)).toBe(false)
    expect(await d.get('drafts', id)).toBeUndefined()
    expect(await mine(id)).toEqual([])
  })

  it('a draft whose answers reached the server is deleted there, its unsent answers never sent', async () => {
    const id = await onPhone()
    await d.put('idmap', { key: dbmod.idKey(USER, 'inspection', id), id: 61 })
    await outbox.enqueue(d, { ...base, kind: 'inspection_answers', object: `inspection:${id}`, clientId: id,
      answers: [{ item_id: 5, result: 'pass', photos: [] }] } as OutboxEntry)

    expect(await capture.deleteInspectionDraft(USER, id)).toBe(true)
    expect((await mine(id)).map((e) => e.kind)).toEqual(['inspection_delete'])
    await run()
    expect(server.log).toEqual(['DELETE /inspections/61'])
    expect(await mine(id)).toEqual([])
  })

  it('asks whether the server has the draft by its id, not by what the draft has queued', async () => {
    const known = await onPhone() // answers sent, then 放弃 of a later save: nothing queued
    await d.put('idmap', { key: dbmod.idKey(USER, 'inspection', known), id: 65 })
    expect(await capture.draftOnServer(USER, known)).toBe(true)
    const unsent = await onPhone() // answers queued behind a start never tried
    await d.put('drafts', { ...(await d.get('drafts', unsent))!, queued: { 5: 'pass' } })
    await outbox.enqueue(d, { ...base, kind: 'inspection_start', object: `inspection:${unsent}`, clientId: unsent, body: startBody } as OutboxEntry)
    expect(await capture.draftOnServer(USER, unsent)).toBe(false)
    const tried = await onPhone()
    await outbox.enqueue(d, { ...base, kind: 'inspection_start', object: `inspection:${tried}`, clientId: tried, body: startBody,
      attempts: 1 } as OutboxEntry)
    expect(await capture.draftOnServer(USER, tried)).toBe(true)
    for (const e of [...await mine(unsent), ...await mine(tried)]) await d.delete('outbox', e.seq as number) // not for later runs
  })

  it('keeps a start that was tried (its answer may have been lost) and deletes after it', async () => {
    const id = await onPhone()
    await outbox.enqueue(d, { ...base, kind: 'inspection_start', object: `inspection:${id}`, clientId: id, body: startBody,
      attempts: 1, error: { status: 0, code: 'network', message: 'reset' } } as OutboxEntry)
    expect(await capture.deleteInspectionDraft(USER, id)).toBe(true)
    await run()
    expect(server.log).toEqual(['POST /inspections', 'DELETE /inspections/61'])
  })

  it('counts a draft already gone (404) as deleted, and one already submitted (409) as done, saying so', async () => {
    const gone = await onPhone()
    const submitted = await onPhone()
    for (const [id, serverId] of [[gone, 62], [submitted, 63]] as const) {
      await d.put('idmap', { key: dbmod.idKey(USER, 'inspection', id), id: serverId })
      await capture.deleteInspectionDraft(USER, id)
    }
    server.deleteStatus.set(62, 404).set(63, 409)
    const result = await run()
    expect(await mine(gone)).toEqual([])
    expect(await mine(submitted)).toEqual([])
    expect(result.attention).toBe(0)
    expect(result.notices).toEqual(['后厨消防日检：该巡检已提交，不能删除'])
  })

  it('a submit whose answer was lost reached the server: the delete after it is done, not parked', async () => {
    const id = await onPhone()
    await d.put('idmap', { key: dbmod.idKey(USER, 'inspection', id), id: 64 })
    await outbox.enqueue(d, { ...base, kind: 'inspection_submit', object: `inspection:${id}`, clientId: id,
      attempts: 1, error: { status: 0, code: 'network', message: 'reset' } } as OutboxEntry)
    expect(await capture.deleteInspectionDraft(USER, id)).toBe(true)
    expect((await mine(id)).map((e) => e.kind)).toEqual(['inspection_delete'])
    server.deleteStatus.set(64, 409) // the submit got there: hazards exist, the inspection stays
    const result = await run()
    expect(server.log).toEqual(['DELETE /inspections/64'])
    expect(await mine(id)).toEqual([])
    expect(result.notices).toEqual(['后厨消防日检：该巡检已提交，不能删除'])
  })
})

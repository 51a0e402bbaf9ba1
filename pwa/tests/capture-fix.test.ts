import 'fake-indexeddb/auto'
import { beforeAll, describe, expect, it } from 'vitest'
import type { OutboxEntry } from '../src/lib/db'

// session.ts reads localStorage when imported: a tiny stand-in for node
const store = new Map<string, string>()
Object.assign(globalThis, {
  localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v), removeItem: (k: string) => store.delete(k) },
})

const USER = 3
const base = { userId: USER, attempts: 1, nextAt: 0, createdAt: 0, label: 't' }
let capture: typeof import('../src/lib/capture')
let dbmod: typeof import('../src/lib/db')
let outbox: typeof import('../src/lib/outbox')

beforeAll(async () => {
  capture = await import('../src/lib/capture')
  dbmod = await import('../src/lib/db')
  outbox = await import('../src/lib/outbox')
})

const report = { title: '灭火器被挡住', description: '灭火器被挡住', siteId: 2, category: 'fire', grade: 'general', photos: ['p1', 'p2'] }

describe('去修改: a fixed entry replaces the parked one', () => {
  it('takes the parked report’s place, keeps its client id and the entries queued after it', async () => {
    const d = await dbmod.db()
    await d.put('idmap', { key: dbmod.idKey(USER, 'photo', 'p1'), id: 41 }) // p1 reached the server before
    const parked = await outbox.enqueue(d, { ...base, state: 'attention', kind: 'hazard', object: 'hazard:h1', clientId: 'h1',
      photos: ['p1'], body: { title: 'x', description: null, site_id: 9, category: 'fire', grade: 'general', captured_at: '' },
      error: { status: 409, code: 'site_inactive', message: '该点位已停用' } } as OutboxEntry)
    await outbox.enqueue(d, { ...base, state: 'pending', kind: 'hazard_action', object: 'hazard:h1', hazard: 'h1', key: 'k',
      action: 'assign', body: {}, photos: [] } as OutboxEntry)

    const r = await capture.reportHazard(USER, report, { seq: parked, clientId: 'h1' })

    expect(r).toMatchObject({ clientId: 'h1', ok: false, queued: true })
    const queue = await outbox.entriesOf(d, USER)
    expect(queue.map((e) => e.kind)).toEqual(['photo', 'hazard', 'hazard_action'])
    expect(queue[0]).toMatchObject({ photoId: 'p2', object: 'hazard:h1' }) // p1 is not uploaded again
    expect(queue[1]).toMatchObject({ clientId: 'h1', state: 'pending', attempts: 0, body: { site_id: 2 } })
    expect(queue.some((e) => e.seq === parked)).toBe(false)
  })

  it('refuses to replace an entry that left the queue meanwhile', async () => {
    await expect(capture.reportHazard(USER, report, { seq: 99999, clientId: 'gone' })).rejects.toBeInstanceOf(capture.GoneFromQueue)
  })
})

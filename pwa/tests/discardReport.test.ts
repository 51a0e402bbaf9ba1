import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { idKey, openAnxunDB, type AnxunDB, type DraftInspection, type OutboxEntry } from '../src/lib/db'
import { discardReport } from '../src/lib/discardReport'
import { enqueue, entriesOf } from '../src/lib/outbox'

const USER = 7
let dbn = 0
const base = { userId: USER, attempts: 0, nextAt: 0, state: 'pending' as const, createdAt: 0, label: 't' }
const startBody = { module_id: 3, site_id: 1, kind: 'routine', checkin_method: 'list' as const, started_at: '2030-01-01T08:00:00+08:00' }

async function photo(d: AnxunDB, id: string, object: string): Promise<void> {
  await d.put('photos', { id, userId: USER, blob: new Blob(['x']), sha256: id, width: 1, height: 1, createdAt: 0 })
  await enqueue(d, { ...base, kind: 'photo', object, photoId: id, siteId: 1 } as OutboxEntry)
}

function draft(id: string, queued: Record<string, string>): DraftInspection {
  return { id, userId: USER, moduleId: 3, moduleName: '后厨消防日检', versionId: 30, siteId: 1, siteName: '一食堂后厨',
    checkin: 'list', startedAt: startBody.started_at, queued, status: 'submitting', updatedAt: 0,
    answers: { 5: { item_id: 5, result: 'fail', photos: ['c1'] }, 6: { item_id: 6, result: 'pass', photos: [] } } }
}

/** A checklist queued whole: start, a photo, answers for items 5 and 6, the submit. */
async function queuedChecklist(d: AnxunDB, id: string): Promise<void> {
  const object = `inspection:${id}`
  await d.put('drafts', draft(id, { 5: '{}', 6: '{}' }))
  await enqueue(d, { ...base, kind: 'inspection_start', object, clientId: id, body: startBody } as OutboxEntry)
  await photo(d, 'c1', object)
  await enqueue(d, { ...base, kind: 'inspection_answers', object, clientId: id,
    answers: [{ item_id: 5, result: 'fail', photos: ['c1'] }, { item_id: 6, result: 'pass', photos: [] }] } as OutboxEntry)
  await enqueue(d, { ...base, kind: 'inspection_submit', object, clientId: id, state: 'attention' } as OutboxEntry)
}

describe('放弃 a report', () => {
  let d: AnxunDB
  beforeEach(async () => {
    d = await openAnxunDB(`discard-${dbn++}`)
  })

  it('takes a 随手拍 out whole, its photos with it; other reports and users stay', async () => {
    await photo(d, 'p1', 'hazard:a')
    await photo(d, 'p2', 'hazard:a')
    await enqueue(d, { ...base, kind: 'hazard', object: 'hazard:a', clientId: 'a', photos: ['p1', 'p2'], state: 'attention',
      body: { title: '消防栓被遮挡', description: null, site_id: 1, category: 'fire', grade: 'general', captured_at: '' } } as OutboxEntry)
    await photo(d, 'p3', 'hazard:b')
    await enqueue(d, { ...base, userId: 8, kind: 'photo', object: 'hazard:a', photoId: 'other', siteId: 1 } as OutboxEntry)

    await discardReport(d, USER, 'hazard:a')

    expect((await entriesOf(d, USER)).map((e) => e.object)).toEqual(['hazard:b'])
    expect(await entriesOf(d, 8)).toHaveLength(1)
    expect(await d.get('photos', 'p1')).toBeUndefined()
    expect(await d.get('photos', 'p3')).toBeDefined()
  })

  it('leaves a checklist the server never had as a draft that queues its start and answers again', async () => {
    await queuedChecklist(d, 'c')
    await discardReport(d, USER, 'inspection:c')

    expect(await entriesOf(d, USER)).toHaveLength(0)
    const kept = await d.get('drafts', 'c')
    expect(kept).toMatchObject({ status: 'draft', queued: {}, start: { ...startBody, module_version_id: 30 } })
    expect(await d.get('photos', 'c1')).toBeDefined() // the draft still shows it
  })

  it('does not start again a checklist the server has (its draft there takes the answers)', async () => {
    await d.put('idmap', { key: idKey(USER, 'inspection', 'c'), id: 88 })
    await queuedChecklist(d, 'c')
    const object = 'inspection:c'
    for (const e of await entriesOf(d, USER)) if (e.kind === 'inspection_start') await d.delete('outbox', e.seq as number)
    await d.put('drafts', { ...draft('c', { 4: '"sent before"', 5: '{}', 6: '{}' }), start: undefined })

    await discardReport(d, USER, object)

    const kept = await d.get('drafts', 'c')
    expect(kept?.start).toBeUndefined()
    expect(kept).toMatchObject({ status: 'draft', queued: { 4: '"sent before"' } })
  })
})

/** 放弃 in the queue: a report (every entry of one object) leaves the queue whole. */
import { idKey, type AnxunDB, type InspectionStartEntry } from './db'

/** Discard the user's entries of `object` as they are now (re-read in one transaction: call it under
 *  the outbox lock, so a run in flight can't resurrect any). A hazard's unsent photos go with it. A
 *  checklist stays on the phone as an editable draft (未完成的巡检) whose discarded answers, and its
 *  start if the server never had it, are queued again on the next save. */
export async function discardReport(d: AnxunDB, userId: number, object: string): Promise<void> {
  const tx = d.transaction(['outbox', 'photos', 'drafts', 'idmap'], 'readwrite')
  const gone = new Set<string>()
  let start: InspectionStartEntry | undefined
  let clientId: string | undefined
  let cursor = await tx.objectStore('outbox').index('user').openCursor(IDBKeyRange.only(userId))
  while (cursor) {
    const e = cursor.value
    if (e.object === object) {
      if (e.kind === 'inspection_answers') for (const a of e.answers) gone.add(String(a.item_id))
      if (e.kind === 'inspection_start') start = e
      if (e.kind !== 'photo' && e.kind !== 'hazard' && e.kind !== 'hazard_action') clientId = e.clientId
      // a checklist's photos stay: its draft still shows them (prune.ts drops them when unused)
      if (e.kind === 'photo' && !object.startsWith('inspection:')) await tx.objectStore('photos').delete(e.photoId)
      await cursor.delete()
    }
    cursor = await cursor.continue()
  }
  const draft = clientId === undefined ? undefined : await tx.objectStore('drafts').get(clientId)
  if (draft && draft.userId === userId) {
    const queued = Object.fromEntries(Object.entries(draft.queued).filter(([item]) => !gone.has(item)))
    const onServer = (await tx.objectStore('idmap').get(idKey(userId, 'inspection', draft.id))) !== undefined
    const restart = start && !onServer ? { ...start.body, module_version_id: draft.versionId } : draft.start
    await tx.objectStore('drafts').put({ ...draft, queued, start: restart, status: 'draft', updatedAt: Date.now() })
  }
  await tx.done
}

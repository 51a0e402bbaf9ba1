/** Every capture goes to IndexedDB first (one transaction), then the outbox sends it. */
import { db, guardQuota, idKey, mappedId, type DraftInspection, type EntryError, type LocalAnswer, type OutboxEntry } from './db'
import { uuid } from './format'
import { entriesOf, requeueObject, withdraw } from './outbox'
import { syncNow, refreshQueue, withOutboxLock } from './sync'

/** Plain data for IndexedDB: Vue's reactive proxies can't be structured-cloned. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

type NewEntry = Omit<OutboxEntry, 'seq' | 'userId' | 'createdAt' | 'attempts' | 'nextAt' | 'state'>

/** A parked entry being fixed (去修改): the new entries take its place in its object's order, and it
 *  goes, with the unsent photo entries it used; entries queued after it follow the new ones. */
export interface Replacing { seq: number }

/** The parked entry being fixed left the queue meanwhile (sent, or discarded in another tab). */
export class GoneFromQueue extends Error {
  constructor() {
    super('这条记录已不在待同步队列中')
    this.name = 'GoneFromQueue'
  }
}

/** Write the capture (and the draft) in one transaction; returns the new entries' seqs. */
async function commit(userId: number, entries: NewEntry[], draft?: DraftInspection, replacing?: Replacing): Promise<number[]> {
  const d = await db()
  const write = (): Promise<number[]> => guardQuota(async () => {
    const tx = d.transaction(['outbox', 'drafts'], 'readwrite')
    const now = Date.now()
    const rows = entries.map((e) => plain({ ...e, userId, createdAt: now, attempts: 0, nextAt: 0, state: 'pending' }) as OutboxEntry)
    const store = tx.objectStore('outbox')
    const seqs: number[] = []
    if (replacing) {
      const old = await store.get(replacing.seq) // re-read under the lock: it may have gone meanwhile
      if (!old || old.userId !== userId) throw new GoneFromQueue()
      const used = new Set(old.kind === 'hazard' || old.kind === 'hazard_action' ? old.photos : [])
      const own = (e: OutboxEntry): boolean => e.seq === old.seq || (e.kind === 'photo' && used.has(e.photoId))
      const mine = await store.index('user').getAll(IDBKeyRange.only(userId))
      const first = Math.min(...mine.filter((e) => e.object === old.object && own(e)).map((e) => e.seq as number))
      seqs.push(...await requeueObject(store, userId, old.object, first, rows, (e) => !own(e) && e))
    } else {
      for (const row of rows) seqs.push(await store.add(row))
    }
    if (draft) await tx.objectStore('drafts').put(plain(draft))
    await tx.done
    return seqs
  })
  const seqs = replacing ? await withOutboxLock(write) : await write()
  await refreshQueue()
  void syncNow()
  return seqs
}

/** The answer a form waits for: 已提交 (the server took it), 已保存，等待同步 (queued), or the
 *  server's refusal, shown in the form, whose entries are then out of the queue (not left to resend). */
export interface SendResult { ok: boolean; queued: boolean; error?: EntryError }

/** How long an online form waits for the server before it says 已保存，等待同步. */
export const ANSWER_WAIT_MS = 6000

async function settle(userId: number, seqs: number[], onRefused: () => Promise<void>): Promise<SendResult> {
  if (typeof navigator !== 'undefined' && !navigator.onLine) return { ok: false, queued: true }
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([syncNow(), new Promise((resolve) => { timer = setTimeout(resolve, ANSWER_WAIT_MS) })])
  clearTimeout(timer)
  const left = (await entriesOf(await db(), userId)).filter((e) => seqs.includes(e.seq as number))
  if (!left.length) return { ok: true, queued: false }
  const refused = left.find((e) => e.state === 'attention')
  if (!refused) return { ok: false, queued: true }
  await withOutboxLock(onRefused)
  await refreshQueue()
  return { ok: false, queued: false, error: refused.error }
}

function photoEntries(object: string, photos: string[], siteId: number | null, label: string): NewEntry[] {
  return photos.map((photoId) => ({ kind: 'photo', object, photoId, siteId, label }) as NewEntry)
}

/** Photos the server doesn't have yet (a fixed entry keeps those it uploaded before). */
async function unsent(userId: number, photos: string[]): Promise<string[]> {
  const d = await db()
  const out: string[] = []
  for (const p of photos) if ((await mappedId(d, userId, 'photo', p)) === undefined) out.push(p)
  return out
}

/** A form's outcome. Refused: a new capture is taken out of the queue (the form, still open, has it);
 *  a fix (去修改) stays parked, and `fixSeq` is what the form's next attempt replaces. */
async function outcome(userId: number, seqs: number[], fix: boolean): Promise<SendResult & { fixSeq?: number }> {
  const d = await db()
  const r = await settle(userId, seqs, () => (fix ? Promise.resolve() : withdraw(d, userId, seqs)))
  return r.error && fix ? { ...r, fixSeq: seqs[seqs.length - 1] } : r
}

export interface HazardReport {
  title: string
  description: string
  siteId: number
  category: string
  grade: string
  photos: string[]
}

/** 随手拍: queue the report, then wait briefly for the server's answer. `fix` is the parked report
 *  being corrected: its client id is kept (the server refused it, so nothing was created with it). */
export async function reportHazard(userId: number, r: HazardReport, fix?: { seq: number; clientId: string }):
  Promise<SendResult & { clientId: string; fixSeq?: number }> {
  const clientId = fix?.clientId ?? uuid()
  const object = `hazard:${clientId}`
  const seqs = await commit(userId, [
    ...photoEntries(object, await unsent(userId, r.photos), r.siteId, r.title),
    {
      kind: 'hazard', object, clientId, label: r.title, photos: r.photos,
      body: {
        title: r.title, description: r.description || null, site_id: r.siteId, category: r.category,
        grade: r.grade, captured_at: new Date().toISOString(),
      },
    } as NewEntry,
  ], undefined, fix)
  return { ...(await outcome(userId, seqs, fix !== undefined)), clientId }
}

/** A hazard action (指派, 提交整改, 驳回 ...): queued, then the server's answer awaited briefly. A fix gets
 *  a new key: the refused attempt's key is not reused for another body. */
export async function hazardAction(userId: number, hazard: number | string, action: string,
  body: Record<string, unknown>, photos: string[], label: string, fixSeq?: number): Promise<SendResult & { fixSeq?: number }> {
  const object = typeof hazard === 'number' ? `hazard-id:${hazard}` : `hazard:${hazard}`
  const seqs = await commit(userId, [
    ...photoEntries(object, await unsent(userId, photos), null, label),
    { kind: 'hazard_action', object, hazard, action, key: uuid(), body, photos, label } as NewEntry,
  ], undefined, fixSeq === undefined ? undefined : { seq: fixSeq })
  return outcome(userId, seqs, fixSeq !== undefined)
}

/** A parked entry (需处理) to correct: the queue's 去修改 opens it in its form. */
export async function parkedEntry(userId: number, seq: number): Promise<OutboxEntry | undefined> {
  const e = await (await db()).get('outbox', seq)
  return e && e.userId === userId ? e : undefined
}

export async function startInspection(userId: number, d: Omit<DraftInspection, 'id' | 'userId' | 'answers' | 'queued' | 'status' | 'updatedAt' | 'startedAt' | 'kind'>, kind: string): Promise<DraftInspection> {
  const draft: DraftInspection = {
    ...d, kind, id: uuid(), userId, answers: {}, queued: {}, status: 'draft', updatedAt: Date.now(), startedAt: new Date().toISOString(),
  }
  draft.start = { module_id: d.moduleId, module_version_id: d.versionId, site_id: d.siteId, kind, checkin_method: d.checkin, started_at: draft.startedAt }
  await saveDraftLocally(draft)
  return draft
}

/** The draft's start, before its first answers (see DraftInspection.start). */
const startEntries = (draft: DraftInspection): NewEntry[] => draft.start
  ? [{ kind: 'inspection_start', object: `inspection:${draft.id}`, clientId: draft.id, label: draft.moduleName, body: draft.start } as NewEntry]
  : []

/** Keep the checklist on the phone only (every tap); nothing is queued. */
export async function saveDraftLocally(draft: DraftInspection): Promise<void> {
  const d = await db()
  await guardQuota(() => d.put('drafts', plain({ ...draft, updatedAt: Date.now() })))
}

async function queueInspection(userId: number, draft: DraftInspection, submit: boolean): Promise<{ saved: DraftInspection; seqs: number[] }> {
  const sent = draft.queued
  const object = `inspection:${draft.id}`
  const changed: LocalAnswer[] = []
  const next: Record<string, string> = { ...sent }
  for (const [k, a] of Object.entries(draft.answers)) {
    const sig = JSON.stringify(a)
    if (sent[k] === sig) continue
    changed.push(a)
    next[k] = sig
  }
  const queuedPhotos = new Set(Object.values(sent).flatMap((s) => {
    const a = JSON.parse(s) as LocalAnswer
    return [...a.photos, ...(a.after_photos ?? [])]
  }))
  const photos = changed.flatMap((a) => [...a.photos, ...(a.after_photos ?? [])]).filter((p) => !queuedPhotos.has(p))
  const entries: NewEntry[] = [...startEntries(draft), ...photoEntries(object, await unsent(userId, photos), draft.siteId, draft.moduleName)]
  if (changed.length) entries.push({ kind: 'inspection_answers', object, clientId: draft.id, answers: changed, label: draft.moduleName } as NewEntry)
  if (submit) entries.push({ kind: 'inspection_submit', object, clientId: draft.id, label: draft.moduleName } as NewEntry)
  // 'submitting' until the server confirms the submit (the outbox then deletes the draft)
  const saved: DraftInspection = { ...draft, start: undefined, queued: next, status: submit ? 'submitting' : 'draft', updatedAt: Date.now() }
  return { saved, seqs: await commit(userId, entries, saved) }
}

/** Queue the answers not yet queued (photos first), and the submit when asked; nothing waits for
 *  the server (保存草稿; a form that waits uses submitInspection). */
export async function flushInspection(userId: number, draft: DraftInspection, submit = false): Promise<DraftInspection> {
  return (await queueInspection(userId, draft, submit)).saved
}

/** 提交: queue the rest and the submit, then wait briefly for the server. Refused, the checklist is an
 *  editable draft again (reopenInspection) and the answer says why (details.problems per item). */
export async function submitInspection(userId: number, draft: DraftInspection): Promise<SendResult & { draft: DraftInspection }> {
  const { saved, seqs } = await queueInspection(userId, draft, true)
  let reopened: DraftInspection | undefined
  const r = await settle(userId, seqs, async () => {
    reopened = await reopenLocked(userId, draft.id)
  })
  return { ...r, draft: reopened ?? saved }
}

/** Make a queued checklist editable again: its unsent answers, submit and photos leave the queue (they
 *  are queued again from the draft), a parked start is retried, the draft's status is 'draft'. */
async function reopenLocked(userId: number, clientId: string): Promise<DraftInspection | undefined> {
  const d = await db()
  const tx = d.transaction(['outbox', 'drafts'], 'readwrite')
  const draft = await tx.objectStore('drafts').get(clientId)
  const queued = { ...(draft?.queued ?? {}) }
  let cursor = await tx.objectStore('outbox').index('user').openCursor(IDBKeyRange.only(userId))
  while (cursor) {
    const e = cursor.value
    if (e.object === `inspection:${clientId}`) {
      if (e.kind === 'inspection_start') {
        if (e.state === 'attention') await cursor.update({ ...e, state: 'pending', nextAt: 0 })
      } else {
        if (e.kind === 'inspection_answers') for (const a of e.answers) delete queued[String(a.item_id)]
        await cursor.delete()
      }
    }
    cursor = await cursor.continue()
  }
  const reopened = draft ? { ...draft, queued, status: 'draft' as const, updatedAt: Date.now() } : undefined
  if (reopened) await tx.objectStore('drafts').put(reopened)
  await tx.done
  return reopened
}

export async function reopenInspection(userId: number, clientId: string): Promise<DraftInspection | undefined> {
  const draft = await withOutboxLock(() => reopenLocked(userId, clientId))
  await refreshQueue()
  return draft
}

/** Where 去修改 takes a parked entry: the form it came from, with its content (a checklist is reopened
 *  as an editable draft); a photo entry opens the report or action that uses it. */
export async function fixRoute(userId: number, seq: number): Promise<string | null> {
  const e = await parkedEntry(userId, seq)
  if (!e) return null
  if (e.object.startsWith('inspection:')) {
    const clientId = e.object.slice('inspection:'.length)
    return (await reopenInspection(userId, clientId)) ? `/patrol/${clientId}` : null
  }
  const main = e.kind === 'photo'
    ? (await entriesOf(await db(), userId)).find((m) => m.object === e.object &&
      (m.kind === 'hazard' || m.kind === 'hazard_action') && m.photos.includes(e.photoId))
    : e
  if (main?.kind === 'hazard') return `/snap?fix=${main.seq}`
  if (main?.kind === 'hazard_action') {
    return `/hazards/${typeof main.hazard === 'number' ? main.hazard : `local-${main.hazard}`}?fix=${main.seq}`
  }
  return null
}

/** A server draft's row on the home screen: its checklist on this phone, if any. A checklist whose
 *  submit the server refused (parked) is reopened as an editable draft; one still queued is left alone. */
export async function draftRoute(userId: number, clientId: string | null | undefined): Promise<string | null> {
  if (!clientId) return null
  const draft = await (await db()).get('drafts', clientId)
  if (!draft || draft.userId !== userId) return null
  if (draft.status === 'draft') return `/patrol/${clientId}`
  const parked = (await entriesOf(await db(), userId)).some((e) => e.object === `inspection:${clientId}` && e.state === 'attention')
  return parked && (await reopenInspection(userId, clientId)) ? `/patrol/${clientId}` : null
}

/** A start that was tried may have reached the server, its answer lost. */
const triedStart = (e: OutboxEntry): boolean => e.kind === 'inspection_start' && e.state === 'pending' && e.attempts > 0

/** Whether the server has (or may have) this checklist's draft: its id is mapped, or its start was
 *  tried. What the draft has queued says nothing about it: after 放弃 a known draft has none. */
export async function draftOnServer(userId: number, clientId: string): Promise<boolean> {
  const d = await db()
  if ((await d.get('idmap', idKey(userId, 'inspection', clientId))) !== undefined) return true
  return (await entriesOf(d, userId)).some((e) => e.object === `inspection:${clientId}` && triedStart(e))
}

/** 删除草稿: the checklist leaves the phone, and the server's draft of it, if any, is deleted after it.
 *  Its unsent answers, photos and submit leave the queue; a start that was tried may have reached the
 *  server (its answer lost), so it stays, and the delete follows it (per-object order). A submit that
 *  was tried may have reached it too: then the server answers the delete `409 inspection_submitted`,
 *  which is done, and the user is told 该巡检已提交，不能删除 (outbox.ts). True when a delete was queued. */
export async function deleteInspectionDraft(userId: number, clientId: string): Promise<boolean> {
  const d = await db()
  const object = `inspection:${clientId}`
  const queued = await withOutboxLock(async () => {
    const tx = d.transaction(['outbox', 'drafts', 'idmap'], 'readwrite')
    const draft = await tx.objectStore('drafts').get(clientId)
    if (!draft || draft.userId !== userId) return tx.done.then(() => false)
    let onServer = (await tx.objectStore('idmap').get(idKey(userId, 'inspection', clientId))) !== undefined
    let cursor = await tx.objectStore('outbox').index('user').openCursor(IDBKeyRange.only(userId))
    while (cursor) {
      const e = cursor.value
      if (e.object === object) {
        if (triedStart(e)) onServer = true // kept
        else await cursor.delete()
      }
      cursor = await cursor.continue()
    }
    if (onServer) {
      await tx.objectStore('outbox').add({ kind: 'inspection_delete', userId, object, clientId, label: draft.moduleName,
        createdAt: Date.now(), attempts: 0, nextAt: 0, state: 'pending' })
    }
    await tx.objectStore('drafts').delete(clientId)
    await tx.done
    return onServer
  })
  await refreshQueue()
  if (queued) void syncNow()
  return queued
}

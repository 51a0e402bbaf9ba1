/**
 * The outbox: every capture is written to IndexedDB first and sent from here.
 *
 * Invariants (tests/outbox.test.ts):
 * - entries of one object are sent strictly in order; a blocked head blocks only its object;
 * - creates carry the client id (and Idempotency-Key), hazard actions their entry's own key made at
 *   capture time, so a retry after a lost answer can't duplicate (an action's repeat answers 200);
 * - an entry is deleted only after the server confirmed it (a photo: the returned sha256 equals ours,
 *   photoUpload.ts);
 * - a delete answered 404 (gone) or 409 `inspection_submitted` (a lost submit got there first) is
 *   done; the latter is told to the user (`notices`);
 * - a network error, 408/429 or 5xx is retried with backoff; a 401 stops the run and keeps everything;
 *   other 4xx answers park the entry as 'attention' with the server's message until the user acts;
 * - only the signed-in user's entries are ever sent;
 * - every change made outside a run (discard, retry, reopen, replace, logout) runs under the outbox
 *   lock (sync.ts) and re-reads the entries inside its transaction: a run in flight can't undo it;
 * - an `invalid_photo` answer re-uploads the kept blobs once (new photo entries put ahead of the
 *   entry, same keys) before it parks;
 * - a confirmed submit deletes its draft; confirmed photos no entry or draft uses any more, stale
 *   drafts and old cache rows are pruned after each run (prune.ts);
 * - the user sees and discards reports, all entries of one object (reportCount.ts, discardReport.ts);
 * - a marked-up copy names its original's server id (`markup_of`); while the original is still
 *   queued the copy waits, retried with backoff (markupLink.ts, sent by photoUpload.ts).
 */
import { ApiError, NetworkError, request, type Fetch } from '../api/client'
import type { HazardDetailOut, InspectionDetailOut } from '../api/types'
import { idKey, mappedId, type AnxunDB, type EntryError, type OutboxEntry, type OutboxStore, type PhotoEntry } from './db'
import { uuid } from './format'
import { uploadPhoto } from './photoUpload'

export { sha256Hex } from './photoUpload'

export interface OutboxDeps {
  db: AnxunDB
  userId: number
  token: string
  fetchImpl?: Fetch
  now?: () => number
  random?: () => number
}

export interface RunResult {
  sent: number
  remaining: number
  attention: number
  authRequired: boolean
  offline: boolean
  /** when the earliest backed-off entry becomes due (ms epoch), if any */
  nextWakeAt: number | null
  /** what the user should hear about an entry that is done but did not do what was asked */
  notices: string[]
}

export type Outcome =
  | { kind: 'done'; mapId?: { key: string; id: number }; photoId?: string; notice?: string }
  | { kind: 'retry'; error: EntryError; offline: boolean }
  | { kind: 'attention'; error: EntryError }
  | { kind: 'auth' }

export const BACKOFF_BASE_MS = 2000
export const BACKOFF_MAX_MS = 5 * 60 * 1000

export function backoffDelay(attempts: number, random: () => number = Math.random): number {
  const raw = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1))
  return Math.round(raw * (0.8 + 0.4 * random()))
}

class LocalProblem extends Error {
  constructor(readonly code: string, message: string) {
    super(message)
  }
}

export async function entriesOf(d: AnxunDB, userId: number): Promise<OutboxEntry[]> {
  const all = await d.getAllFromIndex('outbox', 'user', IDBKeyRange.only(userId))
  return all.sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))
}

export async function enqueue(d: AnxunDB, entry: Omit<OutboxEntry, 'seq'>): Promise<number> {
  return d.add('outbox', entry as OutboxEntry)
}

async function resolvePhotos(deps: OutboxDeps, refs: string[]): Promise<number[]> {
  const ids: number[] = []
  for (const ref of refs) {
    const id = await mappedId(deps.db, deps.userId, 'photo', ref)
    if (id === undefined) throw new LocalProblem('photo_missing', '照片尚未上传，无法发送')
    ids.push(id)
  }
  return ids
}

async function resolveObject(deps: OutboxDeps, kind: string, ref: number | string): Promise<number> {
  if (typeof ref === 'number') return ref
  const id = await mappedId(deps.db, deps.userId, kind, ref)
  if (id === undefined) throw new LocalProblem(`${kind}_missing`, '关联的记录尚未同步')
  return id
}

async function send(deps: OutboxDeps, e: OutboxEntry): Promise<Outcome> {
  const base = { token: deps.token, fetchImpl: deps.fetchImpl }
  switch (e.kind) {
    case 'photo':
      return uploadPhoto(deps, e)
    case 'hazard': {
      const photo_ids = await resolvePhotos(deps, e.photos)
      const out = await request<HazardDetailOut>('/hazards', {
        ...base, method: 'POST', headers: { 'Idempotency-Key': e.clientId },
        body: { ...e.body, client_id: e.clientId, photo_ids },
      })
      return { kind: 'done', mapId: { key: idKey(deps.userId, 'hazard', e.clientId), id: out.id } }
    }
    case 'inspection_start': {
      const out = await request<InspectionDetailOut>('/inspections', {
        ...base, method: 'POST', headers: { 'Idempotency-Key': e.clientId },
        body: { ...e.body, client_id: e.clientId },
      })
      return { kind: 'done', mapId: { key: idKey(deps.userId, 'inspection', e.clientId), id: out.id } }
    }
    case 'inspection_answers': {
      const id = await resolveObject(deps, 'inspection', e.clientId)
      const answers = []
      for (const a of e.answers) {
        const { photos, after_photos, ...rest } = a
        answers.push({
          ...rest,
          photo_ids: await resolvePhotos(deps, photos),
          after_photo_ids: await resolvePhotos(deps, after_photos ?? []),
        })
      }
      await request(`/inspections/${id}/answers`, { ...base, method: 'PUT', body: { answers } })
      return { kind: 'done' }
    }
    case 'inspection_submit': {
      const id = await resolveObject(deps, 'inspection', e.clientId)
      await request(`/inspections/${id}/submit`, { ...base, method: 'POST' })
      return { kind: 'done' }
    }
    case 'inspection_delete': {
      const id = await resolveObject(deps, 'inspection', e.clientId)
      try {
        await request(`/inspections/${id}`, { ...base, method: 'DELETE' })
      } catch (err) {
        // gone already: deleted elsewhere, or an earlier attempt whose answer was lost
        if (err instanceof ApiError && err.status === 404) return { kind: 'done' }
        // a submit that reached the server (its answer lost) came first: nothing left to delete
        if (err instanceof ApiError && err.code === 'inspection_submitted') {
          return { kind: 'done', notice: `${e.label}：该巡检已提交，不能删除` }
        }
        throw err
      }
      return { kind: 'done' }
    }
    case 'hazard_action': {
      const id = await resolveObject(deps, 'hazard', e.hazard)
      const body: Record<string, unknown> = { ...e.body }
      if (e.photos.length) body.photo_ids = await resolvePhotos(deps, e.photos)
      // the key is the entry's own (ensureKey): the server answers a repeat with 200, not 409
      await request(`/hazards/${id}/actions/${e.action}`, {
        ...base, method: 'POST', headers: { 'Idempotency-Key': e.key as string }, body,
      })
      return { kind: 'done' }
    }
  }
}

/** An action queued before keys existed gets one, stored BEFORE its first send with it, so that
 *  every later attempt (also after a reload) repeats the same key. */
async function ensureKey(d: AnxunDB, e: OutboxEntry): Promise<OutboxEntry> {
  if (e.kind !== 'hazard_action' || e.key) return e
  const withKey = { ...e, key: uuid() }
  await d.put('outbox', withKey)
  return withKey
}

function classify(err: unknown): Outcome {
  if (err instanceof NetworkError) {
    return { kind: 'retry', offline: true, error: { status: 0, code: 'network', message: err.message } }
  }
  if (err instanceof LocalProblem) {
    return { kind: 'attention', error: { status: 0, code: err.code, message: err.message } }
  }
  if (err instanceof ApiError) {
    const error: EntryError = { status: err.status, code: err.code, message: err.message, details: err.details }
    if (err.status === 401) return { kind: 'auth' }
    if (err.status >= 500 || err.status === 408 || err.status === 429) return { kind: 'retry', offline: false, error }
    return { kind: 'attention', error }
  }
  throw err // a programming error: let it surface
}

/** Record a send's outcome on the entry as it is now (re-read: a discard in flight stays done). */
async function updateIfQueued(d: AnxunDB, seq: number, patch: Partial<OutboxEntry>): Promise<void> {
  const tx = d.transaction('outbox', 'readwrite')
  const current = await tx.store.get(seq)
  if (current) await tx.store.put({ ...current, ...patch } as OutboxEntry)
  await tx.done
}

/** One pass over the signed-in user's queue. */
export async function runOutbox(deps: OutboxDeps): Promise<RunResult> {
  const now = deps.now ?? Date.now
  const random = deps.random ?? Math.random
  const result: RunResult = { sent: 0, remaining: 0, attention: 0, authRequired: false, offline: false, nextWakeAt: null,
    notices: [] }
  const blocked = new Set<string>()
  const entries = await entriesOf(deps.db, deps.userId)
  for (const queued of entries) {
    if (blocked.has(queued.object) || result.authRequired || result.offline) continue
    if (queued.state === 'attention' || queued.nextAt > now()) {
      blocked.add(queued.object)
      continue
    }
    const e = await ensureKey(deps.db, queued)
    let outcome: Outcome
    try {
      outcome = await send(deps, e)
    } catch (err) {
      outcome = classify(err)
    }
    const seq = e.seq as number
    switch (outcome.kind) {
      case 'done': {
        // re-read: the user may have discarded it while it was in flight; then nothing comes back
        const tx = deps.db.transaction(['outbox', 'idmap', 'drafts', 'photos'], 'readwrite')
        if (await tx.objectStore('outbox').get(seq)) {
          if (outcome.mapId) await tx.objectStore('idmap').put(outcome.mapId)
          const photo = outcome.photoId ? await tx.objectStore('photos').get(outcome.photoId) : undefined
          if (photo && outcome.mapId) await tx.objectStore('photos').put({ ...photo, serverId: outcome.mapId.id })
          await tx.objectStore('outbox').delete(seq)
          // the server has the inspection now: the draft was 'submitting' only until this answer
          if (e.kind === 'inspection_submit') await tx.objectStore('drafts').delete(e.clientId)
          result.sent++
          if (outcome.notice) result.notices.push(outcome.notice)
        }
        await tx.done
        break
      }
      case 'retry':
        await updateIfQueued(deps.db, seq, {
          attempts: e.attempts + 1, nextAt: now() + backoffDelay(e.attempts + 1, random), error: outcome.error,
        })
        blocked.add(e.object)
        if (outcome.offline) result.offline = true // don't hammer a dead network with the rest
        break
      case 'attention':
        if (outcome.error.code === 'invalid_photo' && !e.reuploaded && await reuploadPhotos(deps, e, outcome.error)) {
          blocked.add(e.object) // its new photo entries go first, on the next run (nextWakeAt: now)
          break
        }
        await updateIfQueued(deps.db, seq, { attempts: e.attempts + 1, state: 'attention', error: outcome.error })
        blocked.add(e.object)
        break
      case 'auth':
        result.authRequired = true
        break
    }
  }
  const left = await entriesOf(deps.db, deps.userId)
  result.remaining = left.length
  result.attention = left.filter((e) => e.state === 'attention').length
  const heads = new Map<string, OutboxEntry>()
  for (const e of left) if (!heads.has(e.object)) heads.set(e.object, e)
  const due = [...heads.values()].filter((e) => e.state === 'pending').map((e) => e.nextAt)
  result.nextWakeAt = due.length ? Math.max(now(), Math.min(...due)) : null
  return result
}

/** The user asked to try again: clear backoff and 'attention' (after fixing, or to retry as is).
 *  One transaction that re-reads the entries: call it under the outbox lock. */
export async function retryAll(d: AnxunDB, userId: number, seq?: number): Promise<void> {
  const tx = d.transaction('outbox', 'readwrite')
  let cursor = await tx.store.index('user').openCursor(IDBKeyRange.only(userId))
  while (cursor) {
    if (seq === undefined || cursor.value.seq === seq) await cursor.update({ ...cursor.value, state: 'pending', nextAt: 0 })
    cursor = await cursor.continue()
  }
  await tx.done
}

/** Deliberately discard one entry; a discarded photo is dropped from the entries that used it, a
 *  discarded submit or answers make the checklist a draft again (those answers to be queued again). Re-reads the entry in its transaction: call
 *  it under the outbox lock (a run in flight could otherwise resurrect what was discarded). */
export async function discard(d: AnxunDB, userId: number, seq: number): Promise<void> {
  const tx = d.transaction(['outbox', 'photos', 'drafts'], 'readwrite')
  const e = await tx.objectStore('outbox').get(seq)
  if (!e || e.userId !== userId) return tx.done
  await tx.objectStore('outbox').delete(seq)
  if (e.kind === 'inspection_submit' || e.kind === 'inspection_answers') {
    // the checklist is a draft again; discarded answers are queued again from it on the next save
    const draft = await tx.objectStore('drafts').get(e.clientId)
    const queued = { ...(draft?.queued ?? {}) }
    if (e.kind === 'inspection_answers') for (const a of e.answers) delete queued[String(a.item_id)]
    if (draft) await tx.objectStore('drafts').put({ ...draft, queued, status: 'draft' })
  }
  if (e.kind === 'photo') {
    await tx.objectStore('photos').delete(e.photoId)
    let cursor = await tx.objectStore('outbox').openCursor()
    while (cursor) {
      const v = cursor.value
      if (v.object === e.object) {
        if (v.kind === 'hazard' || v.kind === 'hazard_action') {
          await cursor.update({ ...v, photos: v.photos.filter((p) => p !== e.photoId) })
        } else if (v.kind === 'inspection_answers') {
          await cursor.update({
            ...v,
            answers: v.answers.map((a) => ({
              ...a, photos: a.photos.filter((p) => p !== e.photoId),
              after_photos: (a.after_photos ?? []).filter((p) => p !== e.photoId),
            })),
          })
        }
      }
      cursor = await cursor.continue()
    }
  }
  await tx.done
}

/** Remove the given entries if they are still queued (re-read in the transaction; under the lock). */
export async function withdraw(d: AnxunDB, userId: number, seqs: number[]): Promise<void> {
  const tx = d.transaction('outbox', 'readwrite')
  for (const seq of seqs) {
    const e = await tx.store.get(seq)
    if (e && e.userId === userId) await tx.store.delete(seq)
  }
  await tx.done
}

export type NewOutboxEntry = Omit<OutboxEntry, 'seq'>

/** Take the user's entries of `object` from `fromSeq` on out of the queue and add them back after
 *  `insert` (new seqs, same content and keys), so what is inserted is sent first and per-object order
 *  holds; `keep` drops entries (false) or rewrites them. Returns the seqs of the inserted entries. */
export async function requeueObject(store: OutboxStore, userId: number, object: string, fromSeq: number,
  insert: NewOutboxEntry[], keep: (e: OutboxEntry) => NewOutboxEntry | false = (e) => e): Promise<number[]> {
  const tail: NewOutboxEntry[] = []
  let cursor = await store.openCursor(IDBKeyRange.lowerBound(fromSeq))
  while (cursor) {
    const v = cursor.value
    if (v.userId === userId && v.object === object) {
      const kept = keep(v)
      if (kept) tail.push(kept)
      await cursor.delete()
    }
    cursor = await cursor.continue()
  }
  const seqs: number[] = []
  for (const e of [...insert, ...tail]) {
    const { seq: _old, ...fresh } = e as OutboxEntry
    seqs.push(await store.add(fresh as OutboxEntry))
  }
  return seqs.slice(0, insert.length)
}

export function photoEntry(userId: number, object: string, photoId: string, siteId: number | null, label: string,
  now: number): Omit<PhotoEntry, 'seq'> {
  return { kind: 'photo', userId, object, photoId, siteId, label, createdAt: now, attempts: 0, nextAt: 0, state: 'pending' }
}

/** The local photo ids an entry sends (by their server ids). */
export function photoRefs(e: OutboxEntry): string[] {
  if (e.kind === 'hazard' || e.kind === 'hazard_action') return e.photos
  if (e.kind === 'inspection_answers') return e.answers.flatMap((a) => [...a.photos, ...(a.after_photos ?? [])])
  return []
}

/** The server no longer takes photos we uploaded (`invalid_photo`): upload the kept blobs again as
 *  new photo entries ahead of the entry, which is then retried (once). False when a blob is gone. */
async function reuploadPhotos(deps: OutboxDeps, e: OutboxEntry, error: EntryError): Promise<boolean> {
  const refused = new Set(Array.isArray(error.details?.photo_ids) ? (error.details.photo_ids as number[]) : [])
  const again: string[] = []
  for (const ref of new Set(photoRefs(e))) {
    const id = await mappedId(deps.db, deps.userId, 'photo', ref)
    if (id !== undefined && (refused.size === 0 || refused.has(id))) again.push(ref)
  }
  if (!again.length) return false
  for (const ref of again) if (!(await deps.db.get('photos', ref))) return false
  const siteId = e.kind === 'hazard' ? e.body.site_id
    : e.kind === 'inspection_answers' ? (await deps.db.get('drafts', e.clientId))?.siteId ?? null : null
  const now = (deps.now ?? Date.now)()
  const tx = deps.db.transaction(['outbox', 'idmap'], 'readwrite')
  const current = await tx.objectStore('outbox').get(e.seq as number)
  if (!current) return tx.done.then(() => true) // discarded meanwhile: nothing to retry
  for (const ref of again) await tx.objectStore('idmap').delete(idKey(deps.userId, 'photo', ref))
  await requeueObject(tx.objectStore('outbox'), deps.userId, e.object, e.seq as number,
    again.map((ref) => photoEntry(deps.userId, e.object, ref, siteId, e.label, now)),
    (v) => (v.seq === e.seq ? { ...v, reuploaded: true, attempts: v.attempts + 1, nextAt: 0, state: 'pending', error } : v))
  await tx.done
  return true
}

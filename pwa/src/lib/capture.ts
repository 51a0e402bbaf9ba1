/** Every capture goes to IndexedDB first (one transaction), then the outbox sends it. */
import { db, guardQuota, type DraftInspection, type LocalAnswer, type OutboxEntry } from './db'
import { uuid } from './format'
import { syncNow, refreshQueue } from './sync'

/** Plain data for IndexedDB: Vue's reactive proxies can't be structured-cloned. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

type NewEntry = Omit<OutboxEntry, 'seq' | 'userId' | 'createdAt' | 'attempts' | 'nextAt' | 'state'>

async function commit(userId: number, entries: NewEntry[], draft?: DraftInspection): Promise<void> {
  const d = await db()
  await guardQuota(async () => {
    const tx = d.transaction(['outbox', 'drafts'], 'readwrite')
    const now = Date.now()
    for (const e of entries) {
      await tx.objectStore('outbox').add(plain({ ...e, userId, createdAt: now, attempts: 0, nextAt: 0, state: 'pending' }) as OutboxEntry)
    }
    if (draft) await tx.objectStore('drafts').put(plain(draft))
    await tx.done
  })
  await refreshQueue()
  void syncNow()
}

function photoEntries(object: string, photos: string[], siteId: number | null, label: string): NewEntry[] {
  return photos.map((photoId) => ({ kind: 'photo', object, photoId, siteId, label }) as NewEntry)
}

export interface HazardReport {
  title: string
  description: string
  siteId: number
  category: string
  grade: string
  photos: string[]
}

export async function reportHazard(userId: number, r: HazardReport): Promise<string> {
  const clientId = uuid()
  const object = `hazard:${clientId}`
  await commit(userId, [
    ...photoEntries(object, r.photos, r.siteId, r.title),
    {
      kind: 'hazard', object, clientId, label: r.title, photos: r.photos,
      body: {
        title: r.title, description: r.description || null, site_id: r.siteId, category: r.category,
        grade: r.grade, captured_at: new Date().toISOString(),
      },
    } as NewEntry,
  ])
  return clientId
}

export async function hazardAction(userId: number, hazard: number | string, action: string,
  body: Record<string, unknown>, photos: string[], label: string): Promise<void> {
  const object = typeof hazard === 'number' ? `hazard-id:${hazard}` : `hazard:${hazard}`
  await commit(userId, [
    ...photoEntries(object, photos, null, label),
    { kind: 'hazard_action', object, hazard, action, key: uuid(), body, photos, label } as NewEntry,
  ])
}

export async function startInspection(userId: number, d: Omit<DraftInspection, 'id' | 'userId' | 'answers' | 'queued' | 'status' | 'updatedAt' | 'startedAt'>, kind: string): Promise<DraftInspection> {
  const draft: DraftInspection = {
    ...d, id: uuid(), userId, answers: {}, queued: {}, status: 'draft', updatedAt: Date.now(), startedAt: new Date().toISOString(),
  }
  await commit(userId, [{
    kind: 'inspection_start', object: `inspection:${draft.id}`, clientId: draft.id, label: d.moduleName,
    body: { module_id: d.moduleId, module_version_id: d.versionId, site_id: d.siteId, kind, checkin_method: d.checkin, started_at: draft.startedAt },
  } as NewEntry], draft)
  return draft
}

/** Keep the checklist on the phone only (every tap); nothing is queued. */
export async function saveDraftLocally(draft: DraftInspection): Promise<void> {
  const d = await db()
  await guardQuota(() => d.put('drafts', plain({ ...draft, updatedAt: Date.now() })))
}

/** Queue the answers not yet queued (photos first), and the submit when asked. */
export async function flushInspection(userId: number, draft: DraftInspection, submit: boolean): Promise<DraftInspection> {
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
  const entries: NewEntry[] = [...photoEntries(object, photos, draft.siteId, draft.moduleName)]
  if (changed.length) entries.push({ kind: 'inspection_answers', object, clientId: draft.id, answers: changed, label: draft.moduleName } as NewEntry)
  if (submit) entries.push({ kind: 'inspection_submit', object, clientId: draft.id, label: draft.moduleName } as NewEntry)
  const saved: DraftInspection = { ...draft, queued: next, status: submit ? 'submitted' : 'draft', updatedAt: Date.now() }
  await commit(userId, entries, saved)
  return saved
}

/** What the phone no longer needs, dropped after each outbox run (tests/outbox.test.ts). */
import { idKey, type AnxunDB } from './db'
import { photoRefs } from './outbox'

export const PHOTO_KEEP_MS = 24 * 3600 * 1000
export const CACHE_KEEP_MS = 14 * 24 * 3600 * 1000
/** what the phone needs to work offline: kept however old (refreshed on every start online) */
const CATALOGUE = /^\d+:(catalogue:|\/campuses|\/modules)/

/** Drop what is no longer needed on the phone: photos no entry or draft uses (a day after capture:
 *  a form that was refused inline still shows them), drafts whose submit was confirmed by an older
 *  app version, and read-cache rows older than two weeks (the catalogue aside). Returns the photo
 *  ids deleted, whose object URLs the caller revokes. */
export async function prune(d: AnxunDB, userId: number, now: number = Date.now()): Promise<string[]> {
  const tx = d.transaction(['outbox', 'photos', 'drafts', 'idmap', 'cache'], 'readwrite')
  const entries = await tx.objectStore('outbox').index('user').getAll(IDBKeyRange.only(userId))
  const used = new Set(entries.flatMap((e) => (e.kind === 'photo' ? [e.photoId] : photoRefs(e))))
  const objects = new Set(entries.map((e) => e.object))
  let draft = await tx.objectStore('drafts').index('user').openCursor(IDBKeyRange.only(userId))
  while (draft) {
    const v = draft.value
    if (v.status !== 'draft' && !objects.has(`inspection:${v.id}`)) await draft.delete()
    else for (const a of Object.values(v.answers)) for (const p of [...a.photos, ...(a.after_photos ?? [])]) used.add(p)
    draft = await draft.continue()
  }
  const pruned: string[] = []
  let photo = await tx.objectStore('photos').index('user').openCursor(IDBKeyRange.only(userId))
  while (photo) {
    if (!used.has(photo.value.id) && photo.value.createdAt < now - PHOTO_KEEP_MS) {
      pruned.push(photo.value.id)
      await tx.objectStore('idmap').delete(idKey(userId, 'photo', photo.value.id))
      await photo.delete()
    }
    photo = await photo.continue()
  }
  const prefix = `${userId}:`
  let row = await tx.objectStore('cache').openCursor(IDBKeyRange.bound(prefix, prefix + '\uffff'))
  while (row) {
    if (row.value.at < now - CACHE_KEEP_MS && !CATALOGUE.test(row.value.key)) await row.delete()
    row = await row.continue()
  }
  await tx.done
  return pruned
}

/** A marked-up copy names its original when it is uploaded (`markup_of`: the original's server id),
 *  so the server keeps the two linked; the original is uploaded first (tests/markupLink.test.ts). */
import { mappedId, type AnxunDB, type EntryError, type StoredPhoto } from './db'
import type { LinkedPhoto } from './photos'

/** the copy's upload waits (retried with backoff) while its original is still in the queue */
export const ORIGINAL_NOT_SENT: EntryError = { status: 0, code: 'markup_original_pending', message: '原图尚未上传，标注图随后发送' }

/** What to send as `markup_of` for a stored photo: its original's server id; 'wait' while the
 *  original is queued but not uploaded yet; null for a photo that is not a marked-up copy, or whose
 *  original is neither uploaded nor queued (discarded): the copy then goes as a photo of its own. */
export async function markupOriginalId(d: AnxunDB, userId: number, photo: StoredPhoto): Promise<number | 'wait' | null> {
  const original = (photo as LinkedPhoto).markupOf
  if (!original) return null
  const id = await mappedId(d, userId, 'photo', original)
  if (id !== undefined) return id
  const queued = await d.getAllFromIndex('outbox', 'user', IDBKeyRange.only(userId))
  return queued.some((e) => e.kind === 'photo' && e.photoId === original) ? 'wait' : null
}

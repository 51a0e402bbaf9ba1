/** The outbox's photo upload (its contract: outbox.ts): the blob goes as the raw request body (the
 *  server's fast path: no multipart to parse), its client id, site and capture time in the query; a
 *  marked-up copy names its original (`markup_of`, markupLink.ts) and waits while the original is
 *  still queued; the upload is done only when the server's sha256 equals ours. */
import { request } from '../api/client'
import type { PhotoOut } from '../api/types'
import { idKey, type PhotoEntry } from './db'
import { markupOriginalId, ORIGINAL_NOT_SENT } from './markupLink'
import type { OutboxDeps, Outcome } from './outbox'

export async function sha256Hex(blob: Blob): Promise<string> {
  const buf = await blob.arrayBuffer()
  const digest = await crypto.subtle.digest('SHA-256', buf)
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

const BODY_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic']

const unreadable = (message: string): Outcome => ({ kind: 'attention', error: { status: 0, code: 'photo_unreadable', message } })

/** Send one queued photo; a network or server error is thrown for the outbox to classify. */
export async function uploadPhoto(deps: OutboxDeps, e: PhotoEntry): Promise<Outcome> {
  const stored = await deps.db.get('photos', e.photoId)
  if (!stored) return unreadable('本地照片已丢失，无法上传')
  let bytes: ArrayBuffer
  try {
    bytes = await stored.blob.arrayBuffer()
  } catch (err) {
    return unreadable(`本地照片无法读取：${String(err)}`)
  }
  const query = new URLSearchParams({ client_id: e.photoId })
  if (e.siteId !== null) query.set('site_id', String(e.siteId))
  if (stored.takenAt) query.set('taken_at', stored.takenAt)
  const original = await markupOriginalId(deps.db, deps.userId, stored)
  if (original === 'wait') return { kind: 'retry', offline: false, error: ORIGINAL_NOT_SENT }
  if (original !== null) query.set('markup_of', String(original))
  // the server reads the format from the bytes; the type only has to be one it takes as a body
  const type = BODY_TYPES.includes(stored.blob.type) ? stored.blob.type : 'image/jpeg'
  const out = await request<PhotoOut>(`/photos?${query}`, {
    token: deps.token, fetchImpl: deps.fetchImpl, method: 'POST', file: new Blob([bytes], { type }),
    timeoutMs: 120000,
  })
  if (out.sha256 !== stored.sha256) {
    return { kind: 'attention', error: { status: 0, code: 'sha256_mismatch', message: '服务器收到的照片与本地不一致，请重试' } }
  }
  return { kind: 'done', mapId: { key: idKey(deps.userId, 'photo', e.photoId), id: out.id }, photoId: e.photoId }
}

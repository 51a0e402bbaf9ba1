import { ref } from 'vue'
import { db, guardQuota, type StoredPhoto } from './db'
import { readTakenAt } from './exif'
import { uuid } from './format'
import { sha256Hex } from './outbox'

const DIM_KEY = 'anxun.maxDim'
export const maxDim = ref<number>(Number(localStorage.getItem(DIM_KEY)) || 2048)
export function setMaxDim(n: number): void {
  maxDim.value = n
  localStorage.setItem(DIM_KEY, String(n))
}

const KEEP_AS_IS_BYTES = 1_500_000

/** Shrink on the phone: long side <= maxDim, JPEG 0.85, EXIF orientation applied. Small JPEGs are
 *  kept byte for byte, so their EXIF capture time reaches the server. */
export async function preparePhoto(file: Blob, limit: number = maxDim.value): Promise<{ blob: Blob; width: number; height: number }> {
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  } catch (err) {
    // e.g. HEIC in a browser that can't decode it: the server can, send the original
    console.warn('cannot decode on the phone, sending the original', err)
    return { blob: file, width: 0, height: 0 }
  }
  const { width, height } = bitmap
  const scale = Math.min(1, limit / Math.max(width, height))
  if (scale === 1 && file.type === 'image/jpeg' && file.size <= KEEP_AS_IS_BYTES) {
    bitmap.close()
    return { blob: file, width, height }
  }
  const w = Math.round(width * scale)
  const h = Math.round(height * scale)
  let blob: Blob
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(w, h)
    const ctx = canvas.getContext('2d')
    if (!ctx) throw new Error('no 2d context')
    ctx.drawImage(bitmap, 0, 0, w, h)
    blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 })
  } else {
    const canvas = document.createElement('canvas')
    canvas.width = w
    canvas.height = h
    const ctx = canvas.getContext('2d')
    if (!ctx) throw new Error('no 2d context')
    ctx.drawImage(bitmap, 0, 0, w, h)
    blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob failed'))), 'image/jpeg', 0.85))
  }
  bitmap.close()
  return { blob, width: w, height: h }
}

/** The photo could not be read back after saving: the phone's storage is not trustworthy. */
export class UnreadablePhotoError extends Error {}

/** A stored photo; a marked-up copy names the photo it was drawn on (kept untouched as evidence). */
export type LinkedPhoto = StoredPhoto & { markupOf?: string }

/** Resize, store in IndexedDB, read it back. Throws StorageFullError on a full disk. */
export async function capturePhoto(userId: number, file: Blob,
  link: Partial<Pick<LinkedPhoto, 'markupOf' | 'takenAt'>> = {}): Promise<LinkedPhoto> {
  // before resizing: the canvas drops EXIF (never blocks the capture: null when unreadable)
  const takenAt = await readTakenAt(file)
  const { blob, width, height } = await preparePhoto(file)
  // IndexedDB in some WebKit versions can't hold a Blob: store bytes we have read already
  const bytes = await blob.arrayBuffer()
  const stored: LinkedPhoto = {
    id: uuid(), userId, blob: new Blob([bytes], { type: blob.type || 'image/jpeg' }),
    sha256: await sha256Hex(blob), width, height, createdAt: Date.now(), takenAt, ...link,
  }
  const d = await db()
  await guardQuota(() => d.put('photos', stored))
  const back = await d.get('photos', stored.id)
  if (!back || (await back.blob.arrayBuffer()).byteLength !== bytes.byteLength) {
    throw new UnreadablePhotoError('stored photo cannot be read back')
  }
  return back
}

/** Store a marked-up copy of a stored photo as a new photo linked to it; the original stays as it
 *  was taken (the evidence). The copy keeps the original's capture time: a canvas export has no EXIF. */
export async function captureMarkup(userId: number, originalId: string, drawn: Blob): Promise<LinkedPhoto> {
  const original = await (await db()).get('photos', originalId)
  if (!original) throw new UnreadablePhotoError('the original photo is gone')
  return capturePhoto(userId, drawn, { markupOf: originalId, takenAt: original.takenAt ?? null })
}

/** The photo a stored photo is a marked-up copy of, if it is one. */
export async function markupOf(id: string): Promise<string | undefined> {
  const p: LinkedPhoto | undefined = await (await db()).get('photos', id)
  return p?.markupOf
}

const urls = new Map<string, string>()
/** An object URL for a stored photo (kept for the page's life). */
export async function localPhotoUrl(id: string): Promise<string | null> {
  const cached = urls.get(id)
  if (cached) return cached
  const p = await (await db()).get('photos', id)
  if (!p) return null
  const url = URL.createObjectURL(p.blob)
  urls.set(id, url)
  return url
}

/** The photos were pruned from the phone: free their object URLs. */
export function revokePhotoUrls(ids: string[]): void {
  for (const id of ids) {
    const url = urls.get(id)
    if (url) URL.revokeObjectURL(url)
    urls.delete(id)
  }
}

export interface StorageInfo { usage: number; quota: number; persisted: boolean }

export async function storageInfo(): Promise<StorageInfo | null> {
  if (!navigator.storage?.estimate) return null
  const est = await navigator.storage.estimate()
  const persisted = navigator.storage.persisted ? await navigator.storage.persisted() : false
  return { usage: est.usage ?? 0, quota: est.quota ?? 0, persisted }
}

export const LOW_STORAGE_BYTES = 100 * 1024 * 1024

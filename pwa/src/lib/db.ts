import { openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore, type StoreNames } from 'idb'

export type EntryState = 'pending' | 'attention'

export interface EntryError {
  status: number // 0 = no HTTP answer or a local problem
  code: string
  message: string
  details?: Record<string, unknown> | null
}

interface EntryCommon {
  seq?: number
  userId: number
  /** Entries of one object (a hazard, an inspection) are sent strictly in seq order. */
  object: string
  label: string
  createdAt: number
  attempts: number
  nextAt: number
  state: EntryState
  error?: EntryError
  /** its photos were uploaded again after an `invalid_photo` answer: a second one parks it */
  reuploaded?: boolean
}

export interface PhotoEntry extends EntryCommon { kind: 'photo'; photoId: string; siteId: number | null }
export interface HazardEntry extends EntryCommon {
  kind: 'hazard'
  clientId: string
  body: {
    title: string
    description: string | null
    site_id: number
    category: string
    grade: string
    captured_at: string
  }
  photos: string[]
}
export interface InspectionStartEntry extends EntryCommon {
  kind: 'inspection_start'
  clientId: string
  body: { module_id: number; site_id: number; kind: string; checkin_method: 'qr' | 'list'; started_at: string }
}
export interface LocalAnswer {
  item_id: number
  result: 'pass' | 'fail' | 'na' | null
  value?: number | null
  text?: string | null
  note?: string | null
  photos: string[]
  fixed_on_spot?: boolean
  after_photos?: string[]
}
export interface InspectionAnswersEntry extends EntryCommon {
  kind: 'inspection_answers'
  clientId: string
  answers: LocalAnswer[]
}
export interface InspectionSubmitEntry extends EntryCommon { kind: 'inspection_submit'; clientId: string }
/** 删除草稿 of a checklist the server has a draft of: that draft is deleted too (a 404 counts as done) */
export interface InspectionDeleteEntry extends EntryCommon { kind: 'inspection_delete'; clientId: string }
export interface HazardActionEntry extends EntryCommon {
  kind: 'hazard_action'
  /** the server id, or the client id of a hazard reported from this phone */
  hazard: number | string
  /** made once at capture time and sent as Idempotency-Key on every attempt: a retry after a lost
   *  answer gets the hazard back (200) instead of a 409. Entries queued before keys existed get
   *  one (stored) before their first send after the update. */
  key?: string
  action: string
  body: Record<string, unknown>
  photos: string[]
}

export type OutboxEntry = PhotoEntry | HazardEntry | InspectionStartEntry | InspectionAnswersEntry |
  InspectionSubmitEntry | InspectionDeleteEntry | HazardActionEntry

export interface StoredPhoto {
  id: string // the client id (uuid), also sent as client_id
  userId: number
  blob: Blob
  sha256: string
  width: number
  height: number
  createdAt: number
  /** the capture time read from the original file's EXIF before resizing (ISO 8601 with offset),
   *  sent as taken_at: the resized JPEG has no EXIF any more */
  takenAt?: string | null
  serverId?: number
}

export interface DraftInspection {
  id: string // client id
  userId: number
  moduleId: number
  moduleName: string
  versionId: number
  siteId: number
  siteName: string
  checkin: 'qr' | 'list'
  /** routine / special / holiday: a campaign's task is done only by an inspection of its kind;
   *  absent on drafts begun before 2026-12 (they were routine) */
  kind?: string
  startedAt: string
  answers: Record<string, LocalAnswer>
  /** item id -> JSON of the answer as last queued (what the outbox already has) */
  queued: Record<string, string>
  /** the inspection_start body, queued with the first answers (保存草稿 / 提交): a module tapped by
   *  mistake creates nothing on the server; absent once queued */
  start?: InspectionStartEntry['body'] & { module_version_id: number }
  /** 'submitting': the submit is queued; the draft is deleted when the server confirms it, and is a
   *  'draft' again when the user reopens a rejected submit ('submitted' is a pre-0.2 record) */
  status: 'draft' | 'submitting' | 'submitted'
  updatedAt: number
}

interface AnxunSchema extends DBSchema {
  outbox: { key: number; value: OutboxEntry; indexes: { user: number } }
  photos: { key: string; value: StoredPhoto; indexes: { user: number } }
  idmap: { key: string; value: { key: string; id: number } }
  drafts: { key: string; value: DraftInspection; indexes: { user: number } }
  cache: { key: string; value: { key: string; value: unknown; at: number } }
}

export type AnxunDB = IDBPDatabase<AnxunSchema>
export type OutboxStore = IDBPObjectStore<AnxunSchema, ArrayLike<StoreNames<AnxunSchema>>, 'outbox', 'readwrite'>

export const DB_NAME = 'anxun'

export function openAnxunDB(name = DB_NAME): Promise<AnxunDB> {
  return openDB<AnxunSchema>(name, 1, {
    upgrade(db) {
      const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true })
      outbox.createIndex('user', 'userId')
      const photos = db.createObjectStore('photos', { keyPath: 'id' })
      photos.createIndex('user', 'userId')
      db.createObjectStore('idmap', { keyPath: 'key' })
      const drafts = db.createObjectStore('drafts', { keyPath: 'id' })
      drafts.createIndex('user', 'userId')
      db.createObjectStore('cache', { keyPath: 'key' })
    },
  })
}

let shared: Promise<AnxunDB> | null = null
export function db(): Promise<AnxunDB> {
  shared ??= openAnxunDB()
  return shared
}

/** The storage is full: the capture must not pretend to be saved. */
export class StorageFullError extends Error {
  constructor(cause: unknown) {
    super('手机存储空间不足，未能保存。请清理空间后重试。')
    this.name = 'StorageFullError'
    this.cause = cause
  }
}

export function isQuotaError(err: unknown): boolean {
  return err instanceof DOMException &&
    (err.name === 'QuotaExceededError' || err.name === 'NS_ERROR_DOM_QUOTA_REACHED')
}

/** Run a capture write; a full disk becomes a StorageFullError with a clear message. */
export async function guardQuota<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (isQuotaError(err) || (err instanceof Error && isQuotaError(err.cause))) throw new StorageFullError(err)
    throw err
  }
}

export const idKey = (userId: number, kind: string, clientId: string): string => `${userId}:${kind}:${clientId}`

export async function mappedId(d: AnxunDB, userId: number, kind: string, clientId: string): Promise<number | undefined> {
  return (await d.get('idmap', idKey(userId, kind, clientId)))?.id
}

/** Remove everything stored for one user (logout). */
export async function clearUserData(d: AnxunDB, userId: number): Promise<void> {
  const tx = d.transaction(['outbox', 'photos', 'drafts', 'idmap', 'cache'], 'readwrite')
  for (const store of ['outbox', 'photos', 'drafts'] as const) {
    let cursor = await tx.objectStore(store).index('user').openCursor(IDBKeyRange.only(userId))
    while (cursor) {
      await cursor.delete()
      cursor = await cursor.continue()
    }
  }
  const prefix = `${userId}:`
  for (const store of ['idmap', 'cache'] as const) {
    let cursor = await tx.objectStore(store).openCursor(IDBKeyRange.bound(prefix, prefix + '\uffff'))
    while (cursor) {
      await cursor.delete()
      cursor = await cursor.continue()
    }
  }
  await tx.done
}

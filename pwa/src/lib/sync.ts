import { showToast } from 'vant'
import { reactive } from 'vue'
import { setUnauthorizedHandler } from '../api/client'
import { clearUserData, db, type OutboxEntry } from './db'
import { discardReport } from './discardReport'
import { entriesOf, retryAll, runOutbox } from './outbox'
import { revokePhotoUrls } from './photos'
import { prune } from './prune'
import { countReports } from './reportCount'
import { currentAuth, markExpired, session } from './session'

export const sync = reactive({
  entries: [] as OutboxEntry[],
  /** reports waiting / needing attention (reportCount.ts), not entries */
  pending: 0,
  attention: 0,
  running: false,
  offline: typeof navigator !== 'undefined' ? !navigator.onLine : false,
  /** the server refused the token: shown at once as 重新登录 (also after a reload) */
  authRequired: session.expired,
  lastRunAt: 0,
  /** objects (e.g. 'hazard:<client id>') sent in the last run: views refresh them */
  version: 0,
})

let timer: ReturnType<typeof setTimeout> | null = null
let again = false

export async function refreshQueue(): Promise<void> {
  const uid = session.user?.id
  const list = uid === undefined ? [] : await entriesOf(await db(), uid)
  sync.entries = list
  Object.assign(sync, countReports(list))
}

async function runLocked(): Promise<void> {
  const auth = currentAuth()
  if (!auth) {
    sync.authRequired = session.expired
    return
  }
  const d = await db()
  const r = await runOutbox({ db: d, userId: auth.userId, token: auth.token })
  sync.offline = r.offline
  sync.authRequired = r.authRequired
  if (r.authRequired) markExpired()
  revokePhotoUrls(await prune(d, auth.userId))
  if (r.sent) sync.version++
  for (const notice of r.notices) showToast({ message: notice, duration: 4000 })
  if (timer) clearTimeout(timer)
  timer = null
  if (r.nextWakeAt !== null && !r.authRequired) {
    timer = setTimeout(() => void syncNow(), Math.max(500, r.nextWakeAt - Date.now()))
  }
}

let current: Promise<void> | null = null

/** One writer of the outbox at a time across tabs: the sender (a run), and every change the user
 *  makes to queued entries (discard, retry, reopen, replace, logout). Not re-entrant. */
export function withOutboxLock<T>(fn: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && 'locks' in navigator) return navigator.locks.request('anxun-outbox', fn)
  return fn()
}

async function signedInDb(): Promise<{ d: Awaited<ReturnType<typeof db>>; uid: number } | null> {
  const uid = session.user?.id
  return uid === undefined ? null : { d: await db(), uid }
}

/** 重试 (one entry) or 立即重试 (all): back to pending under the lock, then a run. */
export async function retryQueued(seq?: number): Promise<void> {
  const s = await signedInDb()
  if (!s) return
  await withOutboxLock(() => retryAll(s.d, s.uid, seq))
  await syncNow()
}

/** 放弃 one report (all its entries), under the lock (a run in flight can't resurrect any). */
export async function discardQueuedReport(object: string): Promise<void> {
  const s = await signedInDb()
  if (!s) return
  await withOutboxLock(() => discardReport(s.d, s.uid, object))
  await refreshQueue()
  void syncNow()
}

/** Logout: the user's data goes, under the lock (not while a run is sending it). */
export async function clearSignedOutUser(uid: number): Promise<void> {
  await withOutboxLock(async () => clearUserData(await db(), uid))
}

/** Run the outbox now (on start, `online`, page visible, after a capture, or the button); resolves
 *  when the queue has been tried, including a run asked for while one was going on. */
export function syncNow(): Promise<void> {
  if (current) {
    again = true
    return current
  }
  current = runLoop().finally(() => {
    current = null
  })
  return current
}

async function runLoop(): Promise<void> {
  sync.running = true
  try {
    do {
      again = false
      await withOutboxLock(runLocked) // one sender across tabs of the same app
    } while (again)
  } catch (err) {
    console.error('sync failed', err)
  } finally {
    sync.running = false
    sync.lastRunAt = Date.now()
    await refreshQueue()
  }
}

export function installSyncTriggers(): void {
  // any request answered 401: 重新登录 at once, not after the next run
  setUnauthorizedHandler(() => {
    markExpired()
    sync.authRequired = true
  })
  window.addEventListener('online', () => {
    sync.offline = false
    void syncNow()
  })
  window.addEventListener('offline', () => {
    sync.offline = true
  })
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void syncNow()
  })
  void refreshQueue().then(syncNow)
}

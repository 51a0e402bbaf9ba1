import { reactive } from 'vue'
import { db, type OutboxEntry } from './db'
import { entriesOf, runOutbox } from './outbox'
import { currentAuth, markExpired, session } from './session'

export const sync = reactive({
  entries: [] as OutboxEntry[],
  pending: 0,
  attention: 0,
  running: false,
  offline: typeof navigator !== 'undefined' ? !navigator.onLine : false,
  authRequired: false,
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
  sync.pending = list.length
  sync.attention = list.filter((e) => e.state === 'attention').length
}

async function runLocked(): Promise<void> {
  const auth = currentAuth()
  if (!auth) {
    sync.authRequired = session.expired
    return
  }
  const r = await runOutbox({ db: await db(), userId: auth.userId, token: auth.token })
  sync.offline = r.offline
  if (r.authRequired) {
    markExpired()
    sync.authRequired = true
  }
  if (r.sent) sync.version++
  if (timer) clearTimeout(timer)
  timer = null
  if (r.nextWakeAt !== null && !r.authRequired) {
    timer = setTimeout(() => void syncNow(), Math.max(500, r.nextWakeAt - Date.now()))
  }
}

let current: Promise<void> | null = null

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
      // one sender across tabs of the same app
      if (typeof navigator !== 'undefined' && 'locks' in navigator) {
        await navigator.locks.request('anxun-outbox', runLocked)
      } else {
        await runLocked()
      }
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

import { API, type Fetch } from '../api/client'
import { backoffMs, SseParser } from './sse'

/** GET /events/stream, kept open: read with fetch (the bearer token is a header, see sse.ts),
 *  resumed after a drop with Last-Event-ID so no event is lost or repeated, retried with back-off.
 *  A connection that stays silent longer than three server heartbeats is taken for dead (a wall
 *  screen's Wi-Fi may drop without a reset) and reopened. 401/403 stop it: retrying cannot help. */

export type StreamState = 'connecting' | 'live' | 'retrying' | 'refused'

export interface StreamOptions<E> {
  token: () => string | null
  onEvent: (event: E) => void
  onState?: (state: StreamState) => void
  fetchImpl?: Fetch
  /** silence after which the connection is reopened (the server sends a heartbeat every 15 s) */
  idleMs?: number
}

export interface StreamHandle {
  close(): void
  /** the last event id received (what a reconnection sends) */
  readonly lastId: string | null
}

export function openEventStream<E>(opts: StreamOptions<E>): StreamHandle {
  const doFetch: Fetch = opts.fetchImpl ?? ((i, init) => fetch(i, init))
  const idleMs = opts.idleMs ?? 45_000
  let closed = false
  let lastId: string | null = null
  let retryMs = 3000
  let ctrl: AbortController | null = null
  let wake: (() => void) | null = null

  async function connect(): Promise<boolean> {
    ctrl = new AbortController()
    const abort = ctrl
    let idle = setTimeout(() => abort.abort(), idleMs)
    const headers: Record<string, string> = { Accept: 'text/event-stream' }
    const token = opts.token()
    if (token) headers.Authorization = `Bearer ${token}`
    if (lastId !== null) headers['Last-Event-ID'] = lastId
    try {
      const res = await doFetch(`${API}/events/stream`, { headers, signal: abort.signal, cache: 'no-store' })
      if (res.status === 401 || res.status === 403) return false
      if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`)
      opts.onState?.('live')
      const parser = new SseParser()
      parser.lastId = lastId
      const reader = res.body.getReader()
      const decoder = new TextDecoder()
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        clearTimeout(idle)
        idle = setTimeout(() => abort.abort(), idleMs)
        for (const msg of parser.feed(decoder.decode(value, { stream: true }))) {
          try {
            opts.onEvent(JSON.parse(msg.data) as E)
          } catch (err) {
            console.warn('stream: unreadable event skipped', msg.id, err)
          }
        }
        lastId = parser.lastId
        if (parser.retryMs !== null) retryMs = parser.retryMs
      }
    } catch (err) {
      if (!closed) console.info('stream dropped', err instanceof Error ? err.message : err)
    } finally {
      clearTimeout(idle)
    }
    return true
  }

  async function run(): Promise<void> {
    let attempt = 0
    while (!closed) {
      opts.onState?.('connecting')
      const started = Date.now()
      if (!(await connect())) {
        if (!closed) opts.onState?.('refused')
        return
      }
      if (closed) return
      // a connection that lived a while was healthy: start the back-off again
      if (Date.now() - started > 30_000) attempt = 0
      opts.onState?.('retrying')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoffMs(attempt++, retryMs))
        wake = () => { clearTimeout(timer); resolve() }
      })
      wake = null
    }
  }

  void run()
  return {
    close() {
      closed = true
      ctrl?.abort()
      wake?.()
    },
    get lastId() { return lastId },
  }
}

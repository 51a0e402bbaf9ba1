/** Server-Sent Events read with fetch(): EventSource cannot send the bearer token as a header, and
 *  the token must not travel in a URL (it would land in proxy and server logs). The parser follows
 *  the WHATWG event-stream rules: lines end in CRLF, LF or CR; `data:` lines join with a newline; a
 *  blank line dispatches; `id:` is kept for Last-Event-ID (also across events without one); `retry:`
 *  sets the reconnection delay; lines starting with `:` are comments (the server's heartbeat). */

export interface SseMessage {
  /** the last event id seen so far, as the browser's EventSource keeps it */
  id: string | null
  event: string
  data: string
}

export class SseParser {
  private buffer = ''
  private pendingCr = false
  private data: string[] = []
  private event = ''
  private hasData = false
  lastId: string | null = null
  retryMs: number | null = null

  /** Feed a decoded chunk; returns the events it completed. */
  feed(chunk: string): SseMessage[] {
    let text = chunk
    // a CR at the end of the previous chunk may be the first half of a CRLF
    if (this.pendingCr && text.startsWith('\n')) text = text.slice(1)
    this.pendingCr = false
    this.buffer += text
    const out: SseMessage[] = []
    let start = 0
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i]
      if (c !== '\n' && c !== '\r') continue
      this.line(this.buffer.slice(start, i), out)
      if (c === '\r') {
        if (i + 1 === this.buffer.length) this.pendingCr = true
        else if (this.buffer[i + 1] === '\n') i++
      }
      start = i + 1
    }
    this.buffer = this.buffer.slice(start)
    return out
  }

  private line(line: string, out: SseMessage[]): void {
    if (line === '') {
      if (this.hasData) out.push({ id: this.lastId, event: this.event || 'message', data: this.data.join('\n') })
      this.data = []
      this.event = ''
      this.hasData = false
      return
    }
    if (line.startsWith(':')) return
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') {
      this.data.push(value)
      this.hasData = true
    } else if (field === 'event') this.event = value
    else if (field === 'id' && !value.includes('\0')) this.lastId = value
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value)
  }
}

/** The wait before reconnection attempt `attempt` (0 = the first after a drop): the server's
 *  `retry:` at first, doubling on each failure in a row, capped at `maxMs`, with up to 20% jitter
 *  (so a room of screens does not reconnect in step after a server restart). */
export function backoffMs(attempt: number, retryMs: number, maxMs = 60_000, random: () => number = Math.random): number {
  const base = Math.min(maxMs, retryMs * 2 ** Math.min(attempt, 16))
  return Math.round(base * (1 - 0.2 * random()))
}

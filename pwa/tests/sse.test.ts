import { describe, expect, it } from 'vitest'
import { openEventStream, type StreamState } from '../src/room/eventStream'
import { backoffMs, SseParser } from '../src/room/sse'

describe('the event-stream parser', () => {
  it('reads the server\'s frames: retry, id and JSON data, heartbeats ignored', () => {
    const p = new SseParser()
    const out = p.feed('retry: 3000\n\nid: 7\ndata: {"id":7}\n\n: heartbeat\n\nid: 8\ndata: {"id":8}\n\n')
    expect(out).toEqual([{ id: '7', event: 'message', data: '{"id":7}' }, { id: '8', event: 'message', data: '{"id":8}' }])
    expect(p.retryMs).toBe(3000)
    expect(p.lastId).toBe('8')
  })

  it('joins an event split anywhere across chunks, CRLF split between two chunks included', () => {
    const text = 'id: 41\r\ndata: {"a":\r\ndata: 1}\r\n\r\nid: 42\rdata: x\r\r'
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new SseParser()
      const out = [...p.feed(text.slice(0, cut)), ...p.feed(text.slice(cut))]
      expect(out, `cut at ${cut}`).toEqual([{ id: '41', event: 'message', data: '{"a":\n1}' }, { id: '42', event: 'message', data: 'x' }])
    }
  })

  it('dispatches nothing without data, keeps the last id for events without one, ignores a bad retry', () => {
    const p = new SseParser()
    expect(p.feed('id: 5\n\n')).toEqual([])
    expect(p.lastId).toBe('5')
    expect(p.feed('retry: soon\ndata:no space\n\n')).toEqual([{ id: '5', event: 'message', data: 'no space' }])
    expect(p.retryMs).toBeNull()
    expect(p.feed('data: half')).toEqual([])
  })

  it('backs off from the server\'s retry, doubling, capped, with jitter below the base', () => {
    expect(backoffMs(0, 3000, 60_000, () => 0)).toBe(3000)
    expect(backoffMs(2, 3000, 60_000, () => 0)).toBe(12_000)
    expect(backoffMs(10, 3000, 60_000, () => 0)).toBe(60_000)
    expect(backoffMs(0, 3000, 60_000, () => 1)).toBe(2400)
  })
})

function streamResponse(text: string): Response {
  return new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(text)); c.close() } }),
    { status: 200, headers: { 'Content-Type': 'text/event-stream' } })
}

describe('the stream connection', () => {
  it('sends the bearer token, resumes with Last-Event-ID after a drop, stops on 401', async () => {
    const calls: Record<string, string>[] = []
    const answers = [streamResponse('retry: 1\n\nid: 3\ndata: {"id":3}\n\n'), streamResponse('id: 4\ndata: {"id":4}\n\n'),
      new Response('{}', { status: 401 })]
    const events: unknown[] = []
    const states: StreamState[] = []
    await new Promise<void>((resolve) => {
      openEventStream<{ id: number }>({
        token: () => 'tok',
        fetchImpl: async (_url, init) => { calls.push({ ...(init?.headers as Record<string, string>) }); return answers.shift()! },
        onEvent: (e) => events.push(e),
        onState: (s) => { states.push(s); if (s === 'refused') resolve() },
      })
    })
    expect(events).toEqual([{ id: 3 }, { id: 4 }])
    expect(calls.map((h) => [h.Authorization, h['Last-Event-ID']])).toEqual([['Bearer tok', undefined], ['Bearer tok', '3'], ['Bearer tok', '4']])
    expect(states.filter((s) => s === 'live')).toHaveLength(2)
    expect(states.at(-1)).toBe('refused')
  })
})

import 'fake-indexeddb/auto'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'

// session.ts reads localStorage when imported: a tiny stand-in for node
const store = new Map<string, string>()
Object.assign(globalThis, {
  localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v), removeItem: (k: string) => store.delete(k) },
})

const MODULE = 9
let cache: typeof import('../src/lib/cache')
const version = (versionId: number, items: string[]) => ({ id: MODULE, version_id: versionId, name: '后厨燃气安全', items })
const list = (versionId: number) => ({ items: [{ id: MODULE, version_id: versionId, name: '后厨燃气安全' }], next_cursor: null })

beforeAll(async () => {
  const { session } = await import('../src/lib/session')
  session.user = { id: 3 } as typeof session.user
  session.token = 't'
  cache = await import('../src/lib/cache')
})

afterEach(() => vi.unstubAllGlobals())

/** The server: the module at version 2; ``offline`` answers nothing at all. */
function server(offline = false): string[] {
  const asked: string[] = []
  vi.stubGlobal('fetch', async (url: string) => {
    asked.push(url.replace('/api/v1', ''))
    if (offline) throw new TypeError('Failed to fetch')
    return new Response(JSON.stringify(version(2, ['a', 'b', 'c', 'new'])), { headers: { 'Content-Type': 'application/json' } })
  })
  return asked
}

describe('the checklist a new inspection starts from', () => {
  it('is the copy on the phone, without asking, when the module list names its version', async () => {
    await cache.writeCache(`/modules/${MODULE}`, version(1, ['a', 'b', 'c']))
    await cache.writeCache('/modules?limit=100', list(1))
    const asked = server()
    expect((await cache.checklistToStart(MODULE)).version_id).toBe(1)
    expect(asked).toEqual([])
  })

  it('is the server\'s latest when the list names a newer version than the copy kept (an edit in the console)', async () => {
    await cache.writeCache(`/modules/${MODULE}`, version(1, ['a', 'b', 'c']))
    await cache.writeCache('/modules?limit=100', list(2))
    const asked = server()
    const started = await cache.checklistToStart(MODULE)
    expect(started.version_id).toBe(2)
    expect(started.items).toHaveLength(4)
    expect(asked).toEqual([`/modules/${MODULE}`])
    // kept for the next start, and as version 2 for a draft begun with it
    expect((await cache.readCache<{ version_id: number }>(`/modules/${MODULE}`))?.data.version_id).toBe(2)
    expect((await cache.readCache<{ version_id: number }>(`/modules/${MODULE}@2`))?.data.version_id).toBe(2)
  })

  it('is the copy kept when the phone has no signal, whatever the list names', async () => {
    await cache.writeCache(`/modules/${MODULE}`, version(1, ['a', 'b', 'c']))
    await cache.writeCache('/modules?limit=100', list(2))
    server(true)
    expect((await cache.checklistToStart(MODULE)).version_id).toBe(1)
  })
})

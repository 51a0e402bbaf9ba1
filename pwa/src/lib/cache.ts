import { NetworkError, request } from '../api/client'
import type { CampusOut, ModuleSummary, ModuleVersionOut, Page, SiteOut } from '../api/types'
import { db } from './db'
import { session } from './session'

export interface Cached<T> { data: T; at: number; fromCache: boolean }

function key(path: string): string {
  return `${session.user?.id ?? 0}:${path}`
}

export async function readCache<T>(path: string): Promise<Cached<T> | null> {
  const row = await (await db()).get('cache', key(path))
  return row ? { data: row.value as T, at: row.at, fromCache: true } : null
}

export async function writeCache(path: string, value: unknown): Promise<void> {
  try {
    await (await db()).put('cache', { key: key(path), value, at: Date.now() })
  } catch (err) {
    console.warn('cache write failed (storage full?)', err)
  }
}

/** GET from the API, remembered per user; offline (no HTTP answer) the last copy is returned. */
export async function cachedGet<T>(path: string): Promise<Cached<T>> {
  try {
    const data = await request<T>(path, { token: session.token })
    await writeCache(path, data)
    return { data, at: Date.now(), fromCache: false }
  } catch (err) {
    if (err instanceof NetworkError) {
      const hit = await readCache<T>(path)
      if (hit) return hit
    }
    throw err
  }
}

async function allPages<T>(path: string): Promise<T[]> {
  const items: T[] = []
  let cursor: string | null = null
  do {
    const sep = path.includes('?') ? '&' : '?'
    const page: Page<T> = await request<Page<T>>(`${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: session.token })
    items.push(...page.items)
    cursor = page.next_cursor
  } while (cursor)
  return items
}

export async function sites(): Promise<SiteOut[]> {
  try {
    const all = await allPages<SiteOut>('/sites')
    await writeCache('catalogue:sites', all)
    return all
  } catch (err) {
    const hit = await readCache<SiteOut[]>('catalogue:sites')
    if (hit) return hit.data
    throw err
  }
}

export async function campuses(): Promise<CampusOut[]> {
  return (await cachedGet<CampusOut[]>('/campuses')).data
}

export async function modules(): Promise<ModuleSummary[]> {
  const r = await cachedGet<Page<ModuleSummary>>('/modules?limit=100')
  return r.data.items
}

export async function moduleDetail(id: number): Promise<ModuleVersionOut> {
  return (await cachedGet<ModuleVersionOut>(`/modules/${id}`)).data
}

/** After login and on start: fetch what the user may use offline (sites, modules, checklists). */
export async function warmCatalogue(): Promise<void> {
  try {
    await Promise.all([campuses(), sites()])
    const mods = await modules()
    for (const m of mods) {
      const hit = await readCache<ModuleVersionOut>(`/modules/${m.id}`)
      if (hit && hit.data.version_id === m.version_id) continue
      await moduleDetail(m.id)
    }
  } catch (err) {
    if (!(err instanceof NetworkError)) console.warn('catalogue refresh failed', err)
  }
}

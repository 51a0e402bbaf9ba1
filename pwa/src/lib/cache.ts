import { NetworkError, request } from '../api/client'
import type { components } from '../api/schema'
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

/** A site as this phone last saw it (the list warmCatalogue keeps): at once, offline too. */
export async function cachedSite(id: number): Promise<SiteOut | null> {
  const hit = await readCache<SiteOut[]>('catalogue:sites')
  return hit?.data.find((s) => s.id === id) ?? null
}

/** The server's current copy of a site (what it judges a checklist with); null when there is no
 *  answer, or the site is gone or out of reach (the cached copy then stands). */
export async function freshSite(id: number): Promise<SiteOut | null> {
  try {
    return await request<SiteOut>(`/sites/${id}`, { token: session.token })
  } catch (err) {
    if (!(err instanceof NetworkError)) console.warn(`site ${id} not refreshed`, err)
    return null
  }
}

export async function campuses(): Promise<CampusOut[]> {
  return (await cachedGet<CampusOut[]>('/campuses')).data
}

const MODULE_LIST = '/modules?limit=100'

export async function modules(): Promise<ModuleSummary[]> {
  const r = await cachedGet<Page<ModuleSummary>>(MODULE_LIST)
  return r.data.items
}

/** a version is immutable: kept under its own key (a "/modules" key, so never pruned) */
const versionKey = (moduleId: number, versionId: number): string => `/modules/${moduleId}@${versionId}`

export async function moduleDetail(id: number): Promise<ModuleVersionOut> {
  const latest = (await cachedGet<ModuleVersionOut>(`/modules/${id}`)).data
  await writeCache(versionKey(id, latest.version_id), latest)
  return latest
}

/** The checklist a new inspection of a module starts from: the copy on the phone when it is the version
 *  the module list last named (at once, offline too), else the server's latest, so an edit published
 *  in the console reaches the next checklist begun without waiting for warmCatalogue's pass. */
export async function checklistToStart(moduleId: number): Promise<ModuleVersionOut> {
  const [kept, list] = await Promise.all([
    readCache<ModuleVersionOut>(`/modules/${moduleId}`), readCache<Page<ModuleSummary>>(MODULE_LIST),
  ])
  const named = list?.data.items.find((m) => m.id === moduleId)?.version_id
  if (kept && (named === undefined || kept.data.version_id === named)) return kept.data
  return moduleDetail(moduleId)
}

/** The version a draft was begun with, not the module's latest: its answers name that version's items
 *  and the server judges them by it, also when the module was edited meanwhile. Offline, the copy kept
 *  when it was the latest. */
export async function moduleVersion(moduleId: number, versionId: number): Promise<ModuleVersionOut> {
  const kept = await readCache<ModuleVersionOut>(versionKey(moduleId, versionId))
  if (kept) return kept.data
  const latest = await moduleDetail(moduleId)
  if (latest.version_id === versionId) return latest
  const all = (await cachedGet<ModuleVersionOut[]>(`/modules/${moduleId}/versions`)).data
  const found = all.find((v) => v.version_id === versionId)
  if (!found) throw new Error(`module ${moduleId} has no version ${versionId}`)
  await writeCache(versionKey(moduleId, versionId), found)
  return found
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

/** What the server lets this user start and requires (GET /me's `capabilities`). */
export interface Capabilities {
  inspection_kinds: { own_center: string[]; other_centers: string[] }
  plan_required: string[]
  campaigns?: components['schemas']['CampaignRights']
  escalations?: boolean
  /** the group's control room and monthly report (质监办, leaders) */
  group_views: boolean
}

const FIVE_FIXES = ['assignee_id', 'measures', 'cost_estimate', 'deadline', 'interim_measures']

/** A server without `capabilities` (before issue 9's API): its own rule, from the roles
 *  (backend/inspections/service.py `_allowed_kinds`), and 五定. */
function capabilitiesFromRoles(roles: readonly string[]): Capabilities {
  const qa = roles.includes('qa_officer') ? ['supervision', 'special', 'holiday', 'external'] : []
  const center = roles.includes('inspector') || roles.includes('center_manager') ? ['routine', 'special', 'holiday', 'external'] : []
  const union = (a: string[], b: string[]): string[] => [...new Set([...a, ...b])]
  return { inspection_kinds: { own_center: union(center, qa), other_centers: qa }, plan_required: FIVE_FIXES,
    group_views: roles.includes('qa_officer') || roles.includes('leader') }
}

export async function capabilities(): Promise<Capabilities> {
  try {
    const me = (await cachedGet<{ capabilities?: Capabilities }>('/me')).data
    if (me.capabilities) return { ...capabilitiesFromRoles(session.user?.roles ?? []), ...me.capabilities }
  } catch (err) {
    if (!(err instanceof NetworkError)) console.warn('capabilities unavailable', err)
  }
  return capabilitiesFromRoles(session.user?.roles ?? [])
}

/** The kinds the user may start at a site: their own center's or the other centers' list. */
export function kindsAt(caps: Capabilities, siteCenterId: number): string[] {
  const own = session.user?.center_id === siteCenterId
  return own ? caps.inspection_kinds.own_center : caps.inspection_kinds.other_centers
}

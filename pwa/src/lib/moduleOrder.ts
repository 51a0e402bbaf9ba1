/** The order of the module list at a site: what applies to the site first, then what this user
 *  used recently, then the rest by category; every module stays reachable (tests/moduleOrder.test.ts). */
import type { Category, ModuleSummary, SiteOut } from '../api/types'
import { CATEGORIES } from './i18n'

type SiteKind = NonNullable<ModuleSummary['site_kinds']>[number]

export type GroupKey = 'site' | 'recent' | Category
export interface ModuleGroup { key: GroupKey; modules: ModuleSummary[] }

/** recently used modules shown as their own group; older ones stay under their category */
export const RECENT_SHOWN = 5
const RECENT_KEPT = 20

/** The categories that own a site kind, in the order they come first at such a site (the rest follow
 *  in CATEGORIES' order). Measured on the shipped catalogue: 27 of 50 modules list `canteen`, so without
 *  this a kitchen's list started with 房屋结构 (issue 9 point 7). */
const OWNING_CATEGORIES: Partial<Record<SiteKind, readonly Category[]>> = {
  canteen: ['food', 'gas', 'fire'],
  dining_hall: ['food', 'gas', 'fire'],
  gas_facility: ['gas', 'fire'],
  boiler_room: ['equipment', 'gas', 'fire'],
  pump_room: ['water_power', 'fire'],
  power_room: ['water_power', 'fire'],
  elevator: ['equipment'],
  vehicle: ['school_bus'],
  parking: ['school_bus', 'fire'],
  dormitory: ['fire', 'water_power', 'building'],
  construction: ['other', 'building'],
}

function categoryRank(kind: SiteKind, category: string): number {
  const owners = OWNING_CATEGORIES[kind] ?? []
  const i = owners.indexOf(category as Category)
  if (i !== -1) return i
  const j = (CATEGORIES as readonly string[]).indexOf(category)
  return owners.length + (j === -1 ? CATEGORIES.length : j)
}

/** Within the site group, the most specific first: a module written for one or two kinds of site
 *  before one that lists seventeen, then the category that owns the kind, then the name. */
export function bySpecificity(kind: SiteKind): (a: ModuleSummary, b: ModuleSummary) => number {
  return (a, b) => (a.site_kinds?.length ?? 0) - (b.site_kinds?.length ?? 0)
    || categoryRank(kind, a.category) - categoryRank(kind, b.category)
    || a.name.localeCompare(b.name, 'zh-Hans-CN')
}

/** Filter by name or code (case-insensitive) and group: modules whose `site_kinds` name the site's
 *  kind (the recently used among them first, then the most specific), the recently used (most recent first), then one group
 *  per category in the catalogue's order. A module appears once; empty groups are left out. */
export function groupModules(all: readonly ModuleSummary[], siteKind: SiteOut['kind'] | null | undefined,
  recentIds: readonly number[], query = ''): ModuleGroup[] {
  const q = query.trim().toLowerCase()
  const shown = all.filter((m) => !q || m.name.toLowerCase().includes(q) || m.code.toLowerCase().includes(q))
  const rank = (m: ModuleSummary): number => {
    const i = recentIds.indexOf(m.id)
    return i === -1 ? Infinity : i
  }
  // data cached before the server sent site_kinds has none: such a module is simply not site-specific
  const forSite = siteKind ? shown.filter((m) => (m.site_kinds ?? []).includes(siteKind)) : []
  const bySite = siteKind ? [...forSite].sort((a, b) => rank(a) - rank(b) || bySpecificity(siteKind)(a, b)) : []
  const taken = new Set(bySite.map((m) => m.id))
  const recent = shown.filter((m) => !taken.has(m.id) && rank(m) !== Infinity)
    .sort((a, b) => rank(a) - rank(b)).slice(0, RECENT_SHOWN)
  for (const m of recent) taken.add(m.id)
  const groups: ModuleGroup[] = [{ key: 'site', modules: bySite }, { key: 'recent', modules: recent }]
  const rest = shown.filter((m) => !taken.has(m.id))
  const known = new Set<string>(CATEGORIES)
  for (const c of CATEGORIES) groups.push({ key: c, modules: rest.filter((m) => m.category === c) })
  // a category the phone does not know yet (a newer server) goes under 其他, not out of sight
  const other = groups.find((g) => g.key === 'other')
  other?.modules.push(...rest.filter((m) => !known.has(m.category)))
  return groups.filter((g) => g.modules.length > 0)
}

const recentKey = (userId: number): string => `anxun.recentModules.${userId}`

/** The modules this user started most recently, most recent first (kept on the phone). */
export function readRecent(userId: number): number[] {
  try {
    const ids: unknown = JSON.parse(localStorage.getItem(recentKey(userId)) ?? '[]')
    return Array.isArray(ids) ? ids.filter((x): x is number => typeof x === 'number') : []
  } catch {
    return [] // unreadable (written by hand or by another version): start a new list
  }
}

/** Put a module at the head of the user's recent list; returns the new list. */
export function rememberModule(userId: number, moduleId: number): number[] {
  const ids = [moduleId, ...readRecent(userId).filter((id) => id !== moduleId)].slice(0, RECENT_KEPT)
  localStorage.setItem(recentKey(userId), JSON.stringify(ids))
  return ids
}

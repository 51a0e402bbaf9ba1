/** The Sites screen's pure parts: its filters <-> the address bar <-> GET /sites's parameters, the
 *  site types, who sees the editing controls, and the label sheet's address (tests/sites.test.ts). */
import type { LocationQuery } from 'vue-router'
import type { components } from '../../api/schema'
import { id, one, oneOf } from '../hazardQuery'

export type SiteKind = components['schemas']['SiteKind']
export const SITE_KINDS = ['canteen', 'dining_hall', 'dormitory', 'teaching_building', 'office_building', 'power_room',
  'gas_facility', 'pump_room', 'boiler_room', 'elevator', 'vehicle', 'parking', 'venue', 'construction', 'outdoor',
  'warehouse', 'chemical_store', 'swimming_pool', 'security_room', 'campus_road', 'campus_water', 'other'] as const satisfies readonly SiteKind[]
export const PAGE_SIZES = [20, 50, 100] as const
/** what one label sheet (GET /sites/labels and labels.pdf) takes at most (backend/org/labels.py MAX_LABELS) */
export const MAX_LABELS = 200

export interface SiteFilters {
  q: string
  campus_id: number | null
  center_id: number | null
  kind: SiteKind | null
  /** true: active only; false: deactivated only; null: both */
  is_active: boolean | null
}
export interface SiteListState { filters: SiteFilters; limit: number }

export const emptySiteFilters = (): SiteFilters => ({ q: '', campus_id: null, center_id: null, kind: null, is_active: null })
const DEFAULT_LIMIT = 20

/** The list state the address bar describes (unknown or malformed values dropped). */
export function siteStateFromQuery(q: LocationQuery): SiteListState {
  const limit = Number(one(q.limit))
  const active = one(q.is_active)
  return {
    limit: (PAGE_SIZES as readonly number[]).includes(limit) ? limit : DEFAULT_LIMIT,
    filters: {
      q: (one(q.q) ?? '').trim().slice(0, 100), campus_id: id(one(q.campus_id)), center_id: id(one(q.center_id)),
      kind: oneOf(SITE_KINDS, one(q.kind)), is_active: active === 'true' ? true : active === 'false' ? false : null,
    },
  }
}

function filterPairs(f: SiteFilters): [string, string][] {
  return Object.entries(f).filter(([, v]) => v !== null && String(v).trim() !== '').map(([k, v]) => [k, String(v).trim()])
}

/** The address bar's query: only what differs from the default view. */
export function siteStateToQuery(s: SiteListState): Record<string, string> {
  const out = Object.fromEntries(filterPairs(s.filters))
  if (s.limit !== DEFAULT_LIMIT) out.limit = String(s.limit)
  return out
}

/** GET /sites's parameters for a page of `limit` (with the total on the first page). */
export function siteListParams(f: SiteFilters, limit: number, cursor: string | null, count: boolean): URLSearchParams {
  const p = new URLSearchParams(filterPairs(f))
  p.set('limit', String(limit))
  if (cursor) p.set('cursor', cursor)
  if (count) p.set('count', 'true')
  return p
}

/** Who sees 新建 and 编辑: the server lets administrators create and edit sites (POST and PATCH
 *  /sites are AdminUser routes); anyone else would only be refused. */
export const mayEditSites = (roles: readonly string[]): boolean => roles.includes('admin')

/** The label sheet's and the PDF's parameters: the sites, in the order given. */
export function labelParams(siteIds: readonly number[]): URLSearchParams {
  return new URLSearchParams(siteIds.map((n) => ['site_id', String(n)]))
}

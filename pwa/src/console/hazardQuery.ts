/** The console's hazard list state (filters, sort, page size) <-> the address bar's query string
 *  <-> GET /hazards's (and the exports') query parameters. The address bar carries the view, so a
 *  filtered table survives a reload and can be sent to a colleague; anything unreadable in it is
 *  dropped, never sent to the server (tests/console.test.ts). */
import type { LocationQuery } from 'vue-router'
import type { operations } from '../api/schema'

export type ListQuery = NonNullable<operations['list_hazards']['parameters']['query']>
type NN<K extends keyof ListQuery> = NonNullable<ListQuery[K]>

export const STATUSES = ['reported', 'assigned', 'submitted', 'closed', 'cancelled'] as const
export const GRADES = ['general', 'major'] as const
export const SOURCES = ['inspection', 'adhoc', 'external', 'plan', 'sensor'] as const
export const CAN = ['edit', 'assign', 'submit', 'verify', 'reject', 'cancel', 'request_extension', 'approve_extension',
  'deny_extension', 'reopen', 'supervise', 'report_upward'] as const
export const CATEGORY_VALUES = ['fire', 'food', 'gas', 'water_power', 'school_bus', 'building', 'equipment', 'hygiene', 'other'] as const
/** GET /hazards's orders, each in its one direction: newest first, soonest deadline first, least
 *  recently changed first */
export const SORTS = ['created', 'deadline', 'updated'] as const
export const PAGE_SIZES = [20, 50, 100] as const

export type Sort = (typeof SORTS)[number]

export interface HazardFilters {
  status: NN<'status'>
  center_id: number[]
  campus_id: number | null
  site_id: number | null
  category: NN<'category'>
  grade: NN<'grade'>
  source: NN<'source'> | null
  assignee_id: number | null
  /** true: only overdue; false: only not overdue; null: either */
  overdue: boolean | null
  created_from: string | null
  created_to: string | null
  deadline_from: string | null
  deadline_to: string | null
  q: string
  can: NN<'can'> | null
  /** an instant with its zone, as the API takes it */
  updated_since: string | null
}

export interface ListState { filters: HazardFilters; sort: Sort; limit: number }

export function emptyFilters(): HazardFilters {
  return {
    status: [], center_id: [], campus_id: null, site_id: null, category: [], grade: [], source: null, assignee_id: null,
    overdue: null, created_from: null, created_to: null, deadline_from: null, deadline_to: null, q: '', can: null,
    updated_since: null,
  }
}

export const DEFAULT_STATE: ListState = { filters: emptyFilters(), sort: 'created', limit: 20 }

const DAY = /^\d{4}-\d{2}-\d{2}$/
export type Value = LocationQuery[string] | undefined
const all = (v: Value): string[] =>
  (Array.isArray(v) ? v : v == null ? [] : [v]).filter((x): x is string => typeof x === 'string')
export const one = (v: Value): string | null => all(v)[0] ?? null
export const oneOf = <T extends string>(allowed: readonly T[], v: string | null): T | null =>
  v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : null
const anyOf = <T extends string>(allowed: readonly T[], v: Value): T[] =>
  [...new Set(all(v).filter((x): x is T => (allowed as readonly string[]).includes(x)))]
export const id = (v: string | null): number | null => (v !== null && /^[1-9]\d{0,15}$/.test(v) ? Number(v) : null)
const day = (v: string | null): string | null => (v !== null && DAY.test(v) && !Number.isNaN(Date.parse(v)) ? v : null)
const instant = (v: string | null): string | null =>
  v !== null && /^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)) ? v : null

/** The list state the address bar describes (unknown or malformed values dropped). */
export function fromQuery(q: LocationQuery): ListState {
  const limit = Number(one(q.limit))
  const overdue = one(q.overdue)
  return {
    sort: oneOf(SORTS, one(q.sort)) ?? 'created',
    limit: (PAGE_SIZES as readonly number[]).includes(limit) ? limit : DEFAULT_STATE.limit,
    filters: {
      status: anyOf(STATUSES, q.status), center_id: [...new Set(all(q.center_id).map((v) => id(v)).filter((v): v is number => v !== null))],
      campus_id: id(one(q.campus_id)), site_id: id(one(q.site_id)), category: anyOf(CATEGORY_VALUES, q.category),
      grade: anyOf(GRADES, q.grade), source: oneOf(SOURCES, one(q.source)), assignee_id: id(one(q.assignee_id)),
      overdue: overdue === 'true' ? true : overdue === 'false' ? false : null,
      created_from: day(one(q.created_from)), created_to: day(one(q.created_to)),
      deadline_from: day(one(q.deadline_from)), deadline_to: day(one(q.deadline_to)),
      q: (one(q.q) ?? '').trim().slice(0, 100), can: oneOf(CAN, one(q.can)), updated_since: instant(one(q.updated_since)),
    },
  }
}

/** The filters as query pairs, empty ones left out (arrays repeat their key, as the API reads them). */
function filterPairs(f: HazardFilters): [string, string][] {
  const out: [string, string][] = []
  for (const [key, value] of Object.entries(f) as [keyof HazardFilters, HazardFilters[keyof HazardFilters]][]) {
    if (Array.isArray(value)) for (const v of value) out.push([key, String(v)])
    else if (typeof value === 'string') { if (value.trim()) out.push([key, value.trim()]) }
    else if (value !== null) out.push([key, String(value)])
  }
  return out
}

/** The address bar's query for a state: only what differs from the default view. */
export function toQuery(s: ListState): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const [k, v] of filterPairs(s.filters)) {
    const had = out[k]
    out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v]
  }
  if (s.sort !== DEFAULT_STATE.sort) out.sort = s.sort
  if (s.limit !== DEFAULT_STATE.limit) out.limit = String(s.limit)
  return out
}

/** GET /hazards's parameters for one page (`count`: also ask for the total, on the first page). */
export function listParams(s: ListState, cursor: string | null, count: boolean): URLSearchParams {
  const p = new URLSearchParams(filterPairs(s.filters))
  p.set('sort', s.sort)
  p.set('limit', String(s.limit))
  if (cursor) p.set('cursor', cursor)
  if (count) p.set('count', 'true')
  return p
}

/** The exports' parameters: the same filters, so the file holds exactly the filtered set. */
export function exportParams(f: HazardFilters): URLSearchParams {
  return new URLSearchParams(filterPairs(f))
}

/** How many filters are set (the toolbar's 已筛选 N 项). */
export function activeFilterCount(f: HazardFilters): number {
  return new Set(filterPairs(f).map(([k]) => k)).size
}

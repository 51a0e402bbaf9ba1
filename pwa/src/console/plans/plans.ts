/** The plans screen's pure parts: how a plan's schedule, window and target read, and the form a plan
 *  is edited in, turned into the API's body (tests/plans.test.ts). */
import type { components } from '../../api/schema'
import { fmtDate } from '../../lib/format'
import { siteKindLabel, type SiteKind } from '../siteKinds'
import { st, type PlanKey } from './strings'

type S = components['schemas']
export type PlanOut = S['PlanOut']
export type PlanIn = S['PlanIn']
export type PlanPatchIn = S['PlanPatchIn']
export type Frequency = S['Frequency']
export type TemplateOut = S['TemplateOut']
export type FromTemplateIn = S['FromTemplateIn']
export type InspectionKind = S['InspectionKind']

export const FREQUENCIES: Frequency[] = ['daily', 'weekly', 'monthly', 'every_n_days', 'dates']
export const PLAN_KINDS: InspectionKind[] = ['routine', 'special', 'holiday', 'supervision']
const SHOWN_DATES = 3

type Schedule = Pick<PlanOut, 'frequency' | 'weekdays' | 'month_day' | 'interval_days' | 'dates'>

/** 每天 / 每周一、三 / 每月 15 日 / 每月最后一天 / 每 3 天 / 指定 2 天：1月1日、1月2日 */
export function frequencyText(p: Schedule): string {
  switch (p.frequency) {
    case 'weekly': return st('freq.weeklyOn', { d: (p.weekdays ?? []).map((d) => st(`wd.${d}` as PlanKey)).join(st('wd.sep')) })
    case 'monthly': return p.month_day === 31 ? st('freq.monthlyLast') : st('freq.monthlyOn', { n: p.month_day ?? 1 })
    case 'every_n_days': return st('freq.everyN', { n: p.interval_days ?? 1 })
    case 'dates': {
      const dates = p.dates ?? []
      const shown = dates.slice(0, SHOWN_DATES).map(fmtDate).join(st('wd.sep'))
      return st('freq.datesN', { n: dates.length, d: dates.length > SHOWN_DATES ? `${shown}${st('freq.datesMore')}` : shown })
    }
    default: return st('freq.daily')
  }
}

const hhmm = (clock: string): string => clock.slice(0, 5)

/** 08:00–11:00, or 全天 for a window of the whole day (00:00 to the end of the day). */
export function windowText(p: Pick<PlanOut, 'window_start' | 'window_end'>): string {
  if (p.window_end === null && hhmm(p.window_start) === '00:00') return st('window.allDay')
  return `${hhmm(p.window_start)}–${p.window_end === null ? '24:00' : hhmm(p.window_end)}`
}

/** 2026年… 起 / a 至 b */
export function periodText(p: Pick<PlanOut, 'starts_on' | 'ends_on'>): string {
  return p.ends_on ? st('period.range', { a: fmtDate(p.starts_on), b: fmtDate(p.ends_on) }) : st('period.from', { d: fmtDate(p.starts_on) })
}

/** One site by name, or 全部食堂后厨 for a plan over every site of a kind. */
export function targetText(p: Pick<PlanOut, 'site_id' | 'site_kind'>, siteName: (id: number) => string): string {
  if (p.site_id !== null) return siteName(p.site_id)
  return p.site_kind ? st('site.allOfKind', { k: siteKindLabel(p.site_kind) }) : '—'
}

/** The plan form as the dialog edits it: every field present, the unused ones empty. */
export interface PlanForm {
  name: string
  center_id: number | null
  target: 'site' | 'kind'
  site_id: number | null
  site_kind: SiteKind | null
  module_id: number | null
  kind: InspectionKind
  frequency: Frequency
  weekdays: number[]
  month_day: number
  interval_days: number
  dates: string[]
  starts_on: string
  ends_on: string | null
  window_start: string
  window_end: string | null
  inspector_ids: number[]
  is_active: boolean
}

export function emptyForm(today: string, centerId: number | null): PlanForm {
  return { name: '', center_id: centerId, target: 'site', site_id: null, site_kind: null, module_id: null, kind: 'routine',
    frequency: 'daily', weekdays: [1], month_day: 1, interval_days: 2, dates: [], starts_on: today, ends_on: null,
    window_start: '08:00', window_end: '17:00', inspector_ids: [], is_active: true }
}

export function formOf(p: PlanOut): PlanForm {
  return { name: p.name, center_id: p.center_id, target: p.site_id !== null ? 'site' : 'kind', site_id: p.site_id,
    site_kind: p.site_kind, module_id: p.module_id, kind: p.kind, frequency: p.frequency, weekdays: p.weekdays ?? [1],
    month_day: p.month_day ?? 1, interval_days: p.interval_days ?? 2, dates: p.dates ?? [], starts_on: p.starts_on,
    ends_on: p.ends_on, window_start: hhmm(p.window_start), window_end: p.window_end === null ? null : hhmm(p.window_end),
    inspector_ids: [...p.inspector_ids], is_active: p.is_active }
}

/** The first field the form still lacks (its label), or null when the server may judge the rest. */
export function missingField(f: PlanForm): PlanKey | null {
  if (!f.name.trim()) return 'form.name'
  if (f.center_id === null) return 'form.center'
  if (f.target === 'site' ? f.site_id === null : f.site_kind === null) return f.target === 'site' ? 'form.site' : 'form.kindOfSite'
  if (f.module_id === null) return 'form.module'
  if (f.frequency === 'weekly' && !f.weekdays.length) return 'form.weekdays'
  if (f.frequency === 'dates' && !f.dates.length) return 'form.dates'
  if (!f.inspector_ids.length) return 'form.inspectors'
  return null
}

/** Every editable field, so a PATCH also clears what the new schedule or target no longer uses (the
 *  server refuses a weekly plan that still has a month day). */
export function patchBody(f: PlanForm): Required<Omit<PlanPatchIn, 'site_id' | 'site_kind'>> & Pick<PlanPatchIn, 'site_id' | 'site_kind'> {
  const uses = (freq: Frequency) => f.frequency === freq
  return {
    name: f.name.trim(), site_id: f.target === 'site' ? f.site_id : null, site_kind: f.target === 'kind' ? f.site_kind : null,
    module_id: f.module_id!, kind: f.kind, frequency: f.frequency,
    weekdays: uses('weekly') ? [...f.weekdays].sort() : null, month_day: uses('monthly') ? f.month_day : null,
    interval_days: uses('every_n_days') ? f.interval_days : null, dates: uses('dates') ? [...f.dates].sort() : null,
    starts_on: f.starts_on, ends_on: f.ends_on || null, window_start: f.window_start, window_end: f.window_end || null,
    inspector_ids: f.inspector_ids, is_active: f.is_active,
  }
}

export function createBody(f: PlanForm): PlanIn {
  return { ...patchBody(f), center_id: f.center_id }
}

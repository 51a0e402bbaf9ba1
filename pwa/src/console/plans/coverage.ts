/** 巡检覆盖: the period presets, the totals line, the done rate as text (tests/plans.test.ts). */
import type { components } from '../../api/schema'

type S = components['schemas']
export type SiteCoverageOut = S['SiteCoverageOut']
export type InspectorCoverageOut = S['InspectorCoverageOut']
type Counts = Pick<SiteCoverageOut, 'tasks' | 'done' | 'missed' | 'open' | 'cancelled'>

export interface Period { from: string; to: string }

const iso = (y: number, m: number, d: number): string => new Date(Date.UTC(y, m, d)).toISOString().slice(0, 10)
const parts = (day: string): [number, number, number] => {
  const [y, m, d] = day.split('-').map(Number)
  return [y!, m! - 1, d!]
}

/** The last `days` days up to `today`, both ends included (the server's default is 30). */
export function lastDays(today: string, days: number): Period {
  const [y, m, d] = parts(today)
  return { from: iso(y, m, d - days + 1), to: today }
}

export function thisMonth(today: string): Period {
  const [y, m] = parts(today)
  return { from: iso(y, m, 1), to: today }
}

export function lastMonth(today: string): Period {
  const [y, m] = parts(today)
  return { from: iso(y, m - 1, 1), to: iso(y, m, 0) }
}

export function totals(rows: readonly Counts[]): Counts & { done_rate: number | null } {
  const sum = (k: keyof Counts) => rows.reduce((n, r) => n + r[k], 0)
  const done = sum('done')
  const missed = sum('missed')
  return { tasks: sum('tasks'), done, missed, open: sum('open'), cancelled: sum('cancelled'),
    done_rate: done + missed ? done / (done + missed) : null }
}

/** 87.5% (one decimal only when it is not whole), — when nothing was done or missed yet. */
export function rateText(rate: number | null | undefined): string {
  if (rate === null || rate === undefined) return '—'
  const pct = Math.round(rate * 1000) / 10
  return `${Number.isInteger(pct) ? pct.toFixed(0) : pct.toFixed(1)}%`
}

/** The row needs attention: a patrol was missed. */
export const hasMissed = (r: Pick<Counts, 'missed'>): string => (r.missed > 0 ? 'row--alert' : '')

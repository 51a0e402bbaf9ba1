import type { CenterFigures } from './overview'

/** The control room's league table: one row per center, sorted by one column. */
export type LeagueKey = 'closure_rate' | 'overdue' | 'completion_rate'

/** Which way is better for each column: high closure and completion, few overdue. */
const BETTER_HIGH: Record<LeagueKey, boolean> = { closure_rate: true, overdue: false, completion_rate: true }

/** Rows best first by `key` (or worst first with `worstFirst`); a center with nothing to rate
 *  (a null rate) goes last either way, and ties keep a stable order by name. */
export function sortLeague(rows: readonly CenterFigures[], key: LeagueKey, worstFirst = false): CenterFigures[] {
  const sign = (BETTER_HIGH[key] ? -1 : 1) * (worstFirst ? -1 : 1)
  return [...rows].sort((a, b) => {
    const x = a[key]
    const y = b[key]
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1
    } else if (x !== y) return sign * (x - y)
    return a.name.localeCompare(b.name, 'zh-CN') || a.center_id - b.center_id
  })
}

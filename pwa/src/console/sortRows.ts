/** The console's small tables sorted in the browser (coverage, per-center 回执): a column's value, a
 *  direction, and the rows in that order; equal values keep the server's order (a stable sort). Empty
 *  values (null: no rate yet) go last either way, so "the worst first" never starts with blanks. */
export type SortDir = 'asc' | 'desc'
export type SortValue = string | number | null
export interface SortState { key: string; dir: SortDir }

export function sortRows<T>(rows: readonly T[], value: (row: T) => SortValue, dir: SortDir): T[] {
  const sign = dir === 'asc' ? 1 : -1
  return rows.map((row, i) => ({ row, i, v: value(row) })).sort((a, b) => {
    if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1
    const order = typeof a.v === 'number' && typeof b.v === 'number' ? a.v - b.v : String(a.v).localeCompare(String(b.v), 'zh-CN')
    return order * sign || a.i - b.i
  }).map(({ row }) => row)
}

/** A header click: a new column starts with its first direction (numbers: the largest first), the same
 *  column flips, and a third click goes back to the server's order (null). */
export function nextSort(current: SortState | null, key: string, first: SortDir): SortState | null {
  if (current?.key !== key) return { key, dir: first }
  if (current.dir === first) return { key, dir: first === 'asc' ? 'desc' : 'asc' }
  return null
}

/** The hazards table's pure parts: keyset paging (the API's cursors, no page numbers to jump to),
 *  the overdue highlight, and which rows bulk assign may take (tests/console.test.ts). */
import type { HazardOut } from '../api/types'

/** The cursors of the pages seen so far (the first page's is null) and the next page's, if any. */
export interface Paging { cursors: (string | null)[]; next: string | null }

export const firstPage = (): Paging => ({ cursors: [null], next: null })
export const pageNumber = (p: Paging): number => p.cursors.length
export const cursorOf = (p: Paging): string | null => p.cursors[p.cursors.length - 1] ?? null
export const arrived = (p: Paging, nextCursor: string | null): Paging => ({ ...p, next: nextCursor })
export const forward = (p: Paging): Paging => (p.next ? { cursors: [...p.cursors, p.next], next: null } : p)
export const back = (p: Paging): Paging => (p.cursors.length > 1 ? { cursors: p.cursors.slice(0, -1), next: null } : p)

/** The row's class: overdue rows stand out (red), major ones carry a mark. */
export function rowClass(h: Pick<HazardOut, 'is_overdue' | 'grade'>): string {
  return [h.is_overdue ? 'row--overdue' : '', h.grade === 'major' ? 'row--major' : ''].filter(Boolean).join(' ')
}

/** Days overdue as the table says them, or null when the hazard is not overdue. */
export function overdueDays(h: Pick<HazardOut, 'is_overdue' | 'overdue_days'>): number | null {
  return h.is_overdue ? Math.max(h.overdue_days, 0) : null
}

/** Why a row cannot join a bulk assignment, or null when it can: the server must list `assign` in
 *  its allowed actions, and a major hazard whose assignment takes a 治理方案 is assigned singly. */
export function bulkBlocker(h: Pick<HazardOut, 'allowed_actions' | 'grade'>, governanceForMajor: boolean):
  'table.notAssignable' | 'table.majorSingly' | null {
  if (!h.allowed_actions.includes('assign')) return 'table.notAssignable'
  if (h.grade === 'major' && governanceForMajor) return 'table.majorSingly'
  return null
}

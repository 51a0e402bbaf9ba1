/** How the control room and the monthly report write their figures. */

/** 0.8123 -> "81.2%"; null (nothing to divide by) -> "—" */
export function fmtRate(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—'
  return `${(rate * 100).toFixed(digits)}%`
}

/** days with at most one decimal (3 -> "3", 2.456 -> "2.5"); null -> "—" */
export function fmtDays(days: number | null | undefined): string {
  if (days === null || days === undefined || !Number.isFinite(days)) return '—'
  return String(Math.round(days * 10) / 10)
}

export interface Month { year: number; month: number; from: string; to: string }

/** A month from `YYYY-MM` (null when it is not one): its first and last day. */
export function parseMonth(text: unknown): Month | null {
  if (typeof text !== 'string') return null
  const m = /^(\d{4})-(\d{2})$/.exec(text)
  if (!m) return null
  const year = Number(m[1])
  const month = Number(m[2])
  if (month < 1 || month > 12 || year < 2000) return null
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const mm = String(month).padStart(2, '0')
  return { year, month, from: `${year}-${mm}-01`, to: `${year}-${mm}-${String(last).padStart(2, '0')}` }
}

/** The month before the one `today` (YYYY-MM-DD) is in, as YYYY-MM: the report leaders ask for
 *  at the start of a month is the month just ended. */
export function previousMonth(today: string): string {
  const y = Number(today.slice(0, 4))
  const m = Number(today.slice(5, 7))
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

/** The period the overview is asked for: the month, cut at today while it is still running. */
export function monthPeriod(month: Month, today: string): { from: string; to: string } {
  return { from: month.from, to: month.to < today ? month.to : today < month.from ? month.from : today }
}

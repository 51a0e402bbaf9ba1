import { describe, expect, it } from 'vitest'
import { addToFeed, feedKind, type FeedItem } from '../src/room/feed'
import { fmtDays, fmtRate, monthPeriod, parseMonth, previousMonth } from '../src/room/figures'
import { sortLeague } from '../src/room/league'
import type { CenterFigures } from '../src/room/overview'

function row(name: string, over: Partial<CenterFigures>): CenterFigures {
  return { center_id: name.length, name, open: 0, major_open: 0, overdue: 0, reported: 0, cancelled: 0, closed: 0, closed_on_time: 0,
    closure_rate: null, on_time_rate: null, tasks_due: 0, tasks_done: 0, tasks_missed: 0, tasks_pending: 0, completion_rate: null,
    drills_this_year: 0, trainings_this_year: 0, ...over }
}

describe('the league table', () => {
  const rows = [row('能源', { closure_rate: 0.5, overdue: 3, completion_rate: 0.9 }), row('饮食', { closure_rate: 0.9, overdue: 0, completion_rate: null }),
    row('物业', { closure_rate: null, overdue: 7, completion_rate: 0.4 }), row('交通', { closure_rate: 0.5, overdue: 1, completion_rate: 1 })]
  const names = (rs: CenterFigures[]): string[] => rs.map((r) => r.name)

  it('puts the best first: high closure and completion, few overdue; nulls last; ties by name', () => {
    expect(names(sortLeague(rows, 'closure_rate'))).toEqual(['饮食', '交通', '能源', '物业'])
    expect(names(sortLeague(rows, 'overdue'))).toEqual(['饮食', '交通', '能源', '物业'])
    expect(names(sortLeague(rows, 'completion_rate'))).toEqual(['交通', '能源', '物业', '饮食'])
  })

  it('shows the worst first on request, nulls still last, without touching its input', () => {
    expect(names(sortLeague(rows, 'closure_rate', true))).toEqual(['交通', '能源', '饮食', '物业'])
    expect(names(sortLeague(rows, 'overdue', true))).toEqual(['物业', '能源', '交通', '饮食'])
    expect(names(rows)).toEqual(['能源', '饮食', '物业', '交通'])
  })
})

describe('the report\'s figures', () => {
  it('writes rates and days, a dash when there is nothing to divide', () => {
    expect(fmtRate(0.8123)).toBe('81.2%')
    expect(fmtRate(1, 0)).toBe('100%')
    expect(fmtRate(null)).toBe('—')
    expect(fmtDays(2.456)).toBe('2.5')
    expect(fmtDays(3)).toBe('3')
    expect(fmtDays(null)).toBe('—')
  })

  it('reads a month and its days (leap February), refuses what is not one', () => {
    expect(parseMonth('2024-02')).toEqual({ year: 2024, month: 2, from: '2024-02-01', to: '2024-02-29' })
    expect(parseMonth('2025-12')?.to).toBe('2025-12-31')
    for (const bad of ['2025-13', '2025-1', '25-01', '2025-00', ['2025-01'], undefined]) expect(parseMonth(bad)).toBeNull()
  })

  it('defaults to the month just ended and cuts a running month at today', () => {
    expect(previousMonth('2026-01-05')).toBe('2025-12')
    expect(previousMonth('2026-03-31')).toBe('2026-02')
    const m = parseMonth('2026-03')!
    expect(monthPeriod(m, '2026-03-10')).toEqual({ from: '2026-03-01', to: '2026-03-10' })
    expect(monthPeriod(m, '2026-05-01')).toEqual({ from: '2026-03-01', to: '2026-03-31' })
  })
})

describe('the live feed', () => {
  const item = (key: string, at: string): FeedItem => ({ key, kind: 'reported', at, hazardId: 1, title: key, centerId: 1, major: false })

  it('shows new hazards and closures only', () => {
    expect(feedKind('hazard.reported')).toBe('reported')
    expect(feedKind('hazard.closed')).toBe('closed')
    expect(feedKind('hazard.fixed_on_spot')).toBe('fixed')
    expect(feedKind('hazard.assigned')).toBeNull()
  })

  it('keeps the newest first, one line per key, at most max lines (times in either ISO form)', () => {
    let feed: FeedItem[] = []
    feed = addToFeed(feed, item('a', '2026-03-01T01:00:00Z'))
    feed = addToFeed(feed, item('b', '2026-03-01T09:30:00+08:00'))
    feed = addToFeed(feed, item('a', '2026-03-01T02:00:00Z'), 2)
    expect(feed.map((f) => [f.key, f.at])).toEqual([['a', '2026-03-01T02:00:00Z'], ['b', '2026-03-01T09:30:00+08:00']])
    expect(addToFeed(feed, item('c', '2026-03-01T03:00:00Z'), 2).map((f) => f.key)).toEqual(['c', 'a'])
  })
})

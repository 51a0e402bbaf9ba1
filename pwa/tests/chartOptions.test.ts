import { describe, expect, it } from 'vitest'
import { PAPER, categoryOption, completionOption, statusOption, weeklyOption } from '../src/room/chartOptions'
import type { OverviewOut } from '../src/room/overview'

const zeroFigures = { open: 0, major_open: 0, overdue: 0, reported: 0, cancelled: 0, closed: 0, closed_on_time: 0, closure_rate: null,
  on_time_rate: null, tasks_due: 0, tasks_done: 0, tasks_missed: 0, tasks_pending: 0, completion_rate: null }
function overview(over: Partial<OverviewOut> = {}): OverviewOut {
  return { generated_at: '2026-03-10T02:00:00Z', today: '2026-03-10', starts_on: '2026-03-02', ends_on: '2026-03-10', center_id: null,
    totals: zeroFigures, centers: [], open: { total: 0, by_status: {}, by_grade: {}, by_category: {} },
    overdue: { count: 0, oldest: null }, days_to_close: { closed: 0, median: null, p90: null }, weekly: [], campaigns: [], ...over } as OverviewOut
}
const label = (group: string, value: string): string => `${group}:${value}`
// the first series' data of an option, whichever shape ECharts' types give it
const data = (o: unknown): unknown[] => ((o as { series: { data: unknown[] }[] }).series[0]?.data ?? [])

describe('the charts\' options', () => {
  it('draw nothing (null, said in words) when there is nothing: never equal slices of zeros', () => {
    const o = overview()
    expect(statusOption(o, PAPER, label)).toBeNull()
    expect(categoryOption(o, PAPER, label)).toBeNull()
    expect(weeklyOption(o, PAPER, { reported: 'r', closed: 'c' })).toBeNull()
    expect(completionOption(o, PAPER, { done: 'd', missed: 'm', pending: 'p' })).toBeNull()
  })

  it('leave out zero parts, colour each status its own colour, sort categories largest on top', () => {
    const o = overview({ open: { total: 5, by_status: { reported: 2, assigned: 3, submitted: 0 }, by_grade: { general: 5 },
      by_category: { fire: 1, gas: 4, food: 0 } } } as Partial<OverviewOut>)
    expect(data(statusOption(o, PAPER, label))).toEqual([
      { name: 'status:reported', value: 2, itemStyle: { color: PAPER.status.reported } },
      { name: 'status:assigned', value: 3, itemStyle: { color: PAPER.status.assigned } }])
    const cat = categoryOption(o, PAPER, label) as { yAxis: { data: string[] } }
    expect(cat.yAxis.data).toEqual(['category:fire', 'category:gas'])  // a horizontal bar chart draws the last on top
    expect(data(cat)).toEqual([1, 4])
  })

  it('plot reported and closed per week, labelled by the week\'s Monday, without animation', () => {
    const o = overview({ weekly: [{ starts_on: '2026-03-02', reported: 4, closed: 1 }, { starts_on: '2026-03-09', reported: 0, closed: 2 }] })
    const w = weeklyOption(o, PAPER, { reported: '上报', closed: '闭环' }) as { animation: boolean; xAxis: { data: string[] }; series: { name: string; data: number[] }[] }
    expect(w.animation).toBe(false)
    expect(w.xAxis.data).toEqual(['3/2', '3/9'])
    expect(w.series.map((s) => [s.name, s.data])).toEqual([['上报', [4, 0]], ['闭环', [1, 2]]])
  })
})

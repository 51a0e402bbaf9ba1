import type { ComposeOption } from 'echarts/core'
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts'
import type { GridComponentOption, LegendComponentOption } from 'echarts/components'
import type { OverviewOut, Week } from './overview'

/** The control room's and the monthly report's charts as ECharts options: plain data, built from
 *  the overview (tested without a browser). Types only from ECharts here: the library itself is
 *  loaded by EChart.vue, in the lazy chunk. */
export type ChartOption = ComposeOption<BarSeriesOption | LineSeriesOption | PieSeriesOption |
  GridComponentOption | LegendComponentOption>

/** Colours and type size of one look: the wall screen (dark, read from across a room) or paper. */
export interface Look {
  text: string
  muted: string
  line: string
  fontSize: number
  status: Record<'reported' | 'assigned' | 'submitted' | 'closed', string>
  overdue: string
  major: string
  general: string
  pending: string
}

// one colour per status everywhere (UX.md), lifted for a dark background
export const WALL: Look = {
  text: '#e8eef8', muted: '#9fb0c8', line: '#2a3a55', fontSize: 20,
  status: { reported: '#ff9a3c', assigned: '#4c9aff', submitted: '#b78cff', closed: '#3ecf7a' },
  overdue: '#ff6b5b', major: '#ff4d4f', general: '#4c9aff', pending: '#64748b',
}
export const PAPER: Look = {
  text: '#1d2129', muted: '#4e5969', line: '#d0d5dd', fontSize: 11,
  status: { reported: '#e8710a', assigned: '#1f6fd1', submitted: '#7b3fd0', closed: '#1a8f4c' },
  overdue: '#d4380d', major: '#cf1322', general: '#1f6fd1', pending: '#9aa3ae',
}

export type Labeller = (group: 'status' | 'category' | 'grade', value: string) => string

/** A ring of the non-zero parts (ECharts draws equal slices when all are zero); null when there
 *  is nothing to draw: the chart then says so in words. */
function donut(look: Look, parts: { name: string; value: number; color: string }[]): ChartOption | null {
  const items = parts.filter((p) => p.value > 0)
  if (!items.length) return null
  return {
    animation: false,
    textStyle: { color: look.text, fontSize: look.fontSize },
    legend: { bottom: 0, textStyle: { color: look.text, fontSize: look.fontSize }, itemWidth: look.fontSize, itemHeight: look.fontSize * 0.7 },
    series: [{
      type: 'pie', radius: ['40%', '62%'], center: ['50%', '46%'], avoidLabelOverlap: true,
      label: { color: look.text, fontSize: look.fontSize, formatter: '{c}' },
      labelLine: { lineStyle: { color: look.muted } },
      itemStyle: { borderColor: 'transparent' },
      data: items.map((i) => ({ name: i.name, value: i.value, itemStyle: { color: i.color } })),
    }],
  }
}

/** Open hazards by status (待指派 / 整改中 / 待验收). */
export function statusOption(o: OverviewOut, look: Look, label: Labeller): ChartOption | null {
  const statuses = ['reported', 'assigned', 'submitted'] as const
  return donut(look, statuses.map((s) => ({ name: label('status', s), value: o.open.by_status[s] ?? 0, color: look.status[s] })))
}

/** Open hazards by grade (一般 / 重大). */
export function gradeOption(o: OverviewOut, look: Look, label: Labeller): ChartOption | null {
  return donut(look, [
    { name: label('grade', 'general'), value: o.open.by_grade.general ?? 0, color: look.general },
    { name: label('grade', 'major'), value: o.open.by_grade.major ?? 0, color: look.major },
  ])
}

/** Patrol tasks of the period: done, missed (漏检), still within their window. */
export function completionOption(o: OverviewOut, look: Look, names: { done: string; missed: string; pending: string }): ChartOption | null {
  const t = o.totals
  return donut(look, [
    { name: names.done, value: t.tasks_done, color: look.status.closed },
    { name: names.missed, value: t.tasks_missed, color: look.overdue },
    { name: names.pending, value: t.tasks_pending, color: look.pending },
  ])
}

function axisStyle(look: Look) {
  return {
    axisLabel: { color: look.text, fontSize: look.fontSize },
    axisLine: { lineStyle: { color: look.line } },
    splitLine: { lineStyle: { color: look.line } },
  }
}

/** Open hazards by category, the largest first (horizontal bars: the Chinese names stay level). */
export function categoryOption(o: OverviewOut, look: Look, label: Labeller): ChartOption | null {
  const rows = Object.entries(o.open.by_category).filter(([, n]) => (n ?? 0) > 0)
    .sort((a, b) => (a[1] ?? 0) - (b[1] ?? 0))
  if (!rows.length) return null
  return {
    animation: false,
    textStyle: { color: look.text, fontSize: look.fontSize },
    grid: { left: 8, right: look.fontSize * 2.5, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, ...axisStyle(look), axisLabel: { show: false } },
    yAxis: { type: 'category', data: rows.map(([c]) => label('category', c)), ...axisStyle(look) },
    series: [{
      type: 'bar', data: rows.map(([, n]) => n ?? 0), barMaxWidth: look.fontSize * 1.4,
      itemStyle: { color: look.general }, label: { show: true, position: 'right', color: look.text, fontSize: look.fontSize },
    }],
  }
}

/** The week's Monday as 11/24 */
function weekLabel(w: Week): string {
  return `${Number(w.starts_on.slice(5, 7))}/${Number(w.starts_on.slice(8, 10))}`
}

/** Reported vs closed per week of the period. */
export function weeklyOption(o: OverviewOut, look: Look, names: { reported: string; closed: string }): ChartOption | null {
  if (!o.weekly.length) return null
  const line = (name: string, data: number[], color: string): LineSeriesOption => ({
    type: 'line', name, data, symbolSize: look.fontSize * 0.5, lineStyle: { width: look.fontSize / 6, color },
    itemStyle: { color }, label: { show: o.weekly.length <= 8, color: look.text, fontSize: look.fontSize * 0.85 },
  })
  return {
    animation: false,
    textStyle: { color: look.text, fontSize: look.fontSize },
    legend: { top: 0, textStyle: { color: look.text, fontSize: look.fontSize } },
    grid: { left: 8, right: 16, top: look.fontSize * 2.4, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: o.weekly.map(weekLabel), ...axisStyle(look) },
    yAxis: { type: 'value', minInterval: 1, ...axisStyle(look) },
    series: [line(names.reported, o.weekly.map((w) => w.reported), look.status.reported),
      line(names.closed, o.weekly.map((w) => w.closed), look.status.closed)],
  }
}

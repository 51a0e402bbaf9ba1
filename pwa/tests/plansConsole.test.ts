import { beforeEach, describe, expect, it } from 'vitest'
import { nextSort, sortRows } from '../src/console/sortRows'
import { hasMissed, lastDays, lastMonth, rateText, thisMonth, totals } from '../src/console/plans/coverage'
import { createBody, emptyForm, formOf, frequencyText, missingField, patchBody, periodText, targetText, windowText,
  type PlanOut } from '../src/console/plans/plans'
import { lang } from '../src/lib/i18n'

const plan = (over: Partial<PlanOut> = {}): PlanOut => ({
  id: 1, name: '后厨日管控', center_id: 2, site_id: 12, site_kind: null, module_id: 7, kind: 'routine', frequency: 'daily',
  weekdays: null, month_day: null, interval_days: null, dates: null, starts_on: '2026-12-01', ends_on: null,
  window_start: '08:00:00', window_end: '11:00:00', inspector_ids: [5], is_active: true, version: 3,
  created_at: '2026-12-01T00:00:00Z', updated_at: '2026-12-01T00:00:00Z', ...over,
})

beforeEach(() => { lang.value = 'zh-CN' })

describe('a plan as the list reads it', () => {
  it('says the schedule in words', () => {
    expect(frequencyText(plan())).toBe('每天')
    expect(frequencyText(plan({ frequency: 'weekly', weekdays: [1, 3, 7] }))).toBe('每周一、三、日')
    expect(frequencyText(plan({ frequency: 'monthly', month_day: 15 }))).toBe('每月 15 日')
    expect(frequencyText(plan({ frequency: 'monthly', month_day: 31 }))).toBe('每月最后一天')
    expect(frequencyText(plan({ frequency: 'every_n_days', interval_days: 3 }))).toBe('每 3 天')
    expect(frequencyText(plan({ frequency: 'dates', dates: ['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02'] })))
      .toMatch(/^指定 4 天：.*等$/)
    lang.value = 'en-US'
    expect(frequencyText(plan({ frequency: 'weekly', weekdays: [1, 5] }))).toBe('Weekly: Mon, Fri')
  })
  it('says the window, the period and the target', () => {
    expect(windowText(plan())).toBe('08:00–11:00')
    expect(windowText(plan({ window_start: '00:00:00', window_end: null }))).toBe('全天')
    expect(windowText(plan({ window_start: '18:00:00', window_end: null }))).toBe('18:00–24:00')
    expect(periodText(plan())).toMatch(/起$/)
    expect(periodText(plan({ ends_on: '2026-12-31' }))).toContain('至')
    expect(targetText(plan(), () => '一食堂后厨')).toBe('一食堂后厨')
    expect(targetText(plan({ site_id: null, site_kind: 'canteen' }), () => '')).toBe('全部食堂后厨')
  })
})

describe('the plan form', () => {
  it('asks for what the server cannot do without, in the order of the form', () => {
    const f = emptyForm('2026-12-04', 2)
    expect(missingField(f)).toBe('form.name')
    f.name = '配电房周检'
    expect(missingField(f)).toBe('form.site')
    f.target = 'kind'
    expect(missingField(f)).toBe('form.kindOfSite')
    f.site_kind = 'power_room'
    expect(missingField(f)).toBe('form.module')
    f.module_id = 9
    f.frequency = 'weekly'
    f.weekdays = []
    expect(missingField(f)).toBe('form.weekdays')
    f.weekdays = [5, 1]
    expect(missingField(f)).toBe('form.inspectors')
    f.inspector_ids = [5]
    expect(missingField(f)).toBeNull()
    const body = createBody(f)
    expect(body).toMatchObject({ center_id: 2, site_id: null, site_kind: 'power_room', frequency: 'weekly', weekdays: [1, 5],
      month_day: null, interval_days: null, dates: null })
  })
  it('clears on PATCH what the new schedule and target no longer use (the server refuses leftovers)', () => {
    const f = formOf(plan({ frequency: 'weekly', weekdays: [2] }))
    expect(f.window_start).toBe('08:00')
    f.frequency = 'monthly'
    f.month_day = 31
    f.target = 'kind'
    f.site_kind = 'canteen'
    f.window_end = null
    const body = patchBody(f)
    expect(body).toMatchObject({ frequency: 'monthly', month_day: 31, weekdays: null, site_id: null, site_kind: 'canteen', window_end: null })
    expect('center_id' in body).toBe(false)
  })
})

describe('coverage', () => {
  it('has the period presets a manager asks for', () => {
    expect(lastDays('2026-12-04', 30)).toEqual({ from: '2026-11-05', to: '2026-12-04' })
    expect(lastDays('2026-03-01', 7)).toEqual({ from: '2026-02-23', to: '2026-03-01' })
    expect(thisMonth('2026-12-04')).toEqual({ from: '2026-12-01', to: '2026-12-04' })
    expect(lastMonth('2026-01-15')).toEqual({ from: '2025-12-01', to: '2025-12-31' })
  })
  it('sums the rows, and the rate counts only what was done or missed', () => {
    const rows = [{ tasks: 10, done: 7, missed: 1, open: 2, cancelled: 0 }, { tasks: 4, done: 1, missed: 3, open: 0, cancelled: 0 }]
    expect(totals(rows)).toEqual({ tasks: 14, done: 8, missed: 4, open: 2, cancelled: 0, done_rate: 8 / 12 })
    expect(totals([]).done_rate).toBeNull()
    expect(rateText(8 / 12)).toBe('66.7%')
    expect(rateText(1)).toBe('100%')
    expect(rateText(null)).toBe('—')
    expect(hasMissed({ missed: 1 })).toBe('row--alert')
    expect(hasMissed({ missed: 0 })).toBe('')
  })
})

describe('sorting a small table in the browser', () => {
  const rows = [{ n: 'b', v: 2 }, { n: 'a', v: null }, { n: 'c', v: 5 }, { n: 'd', v: 2 }]
  it('keeps equal values in the server order and puts blanks last either way', () => {
    expect(sortRows(rows, (r) => r.v, 'desc').map((r) => r.n)).toEqual(['c', 'b', 'd', 'a'])
    expect(sortRows(rows, (r) => r.v, 'asc').map((r) => r.n)).toEqual(['b', 'd', 'c', 'a'])
    expect(sortRows(rows, (r) => r.n, 'asc').map((r) => r.n)).toEqual(['a', 'b', 'c', 'd'])
  })
  it('flips on a second click and goes back to the server order on a third', () => {
    const first = nextSort(null, 'missed', 'desc')
    expect(first).toEqual({ key: 'missed', dir: 'desc' })
    const second = nextSort(first, 'missed', 'desc')
    expect(second).toEqual({ key: 'missed', dir: 'asc' })
    expect(nextSort(second, 'missed', 'desc')).toBeNull()
    expect(nextSort(second, 'done', 'desc')).toEqual({ key: 'done', dir: 'desc' })
  })
})

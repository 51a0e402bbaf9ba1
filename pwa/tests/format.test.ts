// One date format throughout (11月29日 09:15, Asia/Shanghai), English dates and money in English.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fmtDate, fmtMoney, fmtTime } from '../src/lib/format'
import { lang } from '../src/lib/i18n'

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(new Date('2026-12-02T06:00:00Z'))
})
afterEach(() => {
  vi.useRealTimers()
  lang.value = 'zh-CN'
})

describe('dates and money', () => {
  it('writes times and dates as 11月29日 09:15, with the year only when it is not this one', () => {
    expect(fmtTime('2026-11-29T01:15:00Z')).toBe('11月29日 09:15')
    expect(fmtTime('2026-12-31T16:30:00Z')).toBe('2027年1月1日 00:30') // Shanghai's new year
    expect(fmtDate('2026-01-31')).toBe('1月31日')
    expect(fmtDate('2030-01-31')).toBe('2030年1月31日')
    expect(fmtMoney('0.5')).toBe('0.50 万元')
  })

  it('writes them in English for the English screens', () => {
    lang.value = 'en-US'
    expect(fmtTime('2026-11-29T01:15:00Z')).toBe('Nov 29 09:15')
    expect(fmtDate('2030-01-31')).toBe('Jan 31, 2030')
    expect(fmtMoney('0.50')).toBe('0.50') // the label says Cost (10k CNY)
  })
})

import { describe, expect, it } from 'vitest'
import { countReports } from '../src/lib/reportCount'

describe('countReports', () => {
  it('counts one offline report with two photos as one', () => {
    const entries = [
      { object: 'hazard:a', state: 'pending' as const },
      { object: 'hazard:a', state: 'pending' as const },
      { object: 'hazard:a', state: 'pending' as const },
    ]
    expect(countReports(entries)).toEqual({ pending: 1, attention: 0 })
  })

  it('counts each object once, and a report as needing attention when any of its entries is parked', () => {
    const entries = [
      { object: 'inspection:x', state: 'pending' as const },
      { object: 'inspection:x', state: 'attention' as const },
      { object: 'inspection:x', state: 'pending' as const },
      { object: 'hazard:b', state: 'pending' as const },
      { object: 'hazard-id:12', state: 'attention' as const },
    ]
    expect(countReports(entries)).toEqual({ pending: 3, attention: 2 })
  })

  it('is zero for an empty queue', () => {
    expect(countReports([])).toEqual({ pending: 0, attention: 0 })
  })
})

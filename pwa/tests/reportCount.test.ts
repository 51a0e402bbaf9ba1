import { describe, expect, it } from 'vitest'
import type { OutboxEntry } from '../src/lib/db'
import { countReports, groupReports } from '../src/lib/reportCount'

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

const at = (seq: number, e: Partial<OutboxEntry> & Pick<OutboxEntry, 'kind' | 'object'>): OutboxEntry =>
  ({ seq, userId: 1, label: 'x', createdAt: seq * 1000, attempts: 0, nextAt: 0, state: 'pending', ...e }) as OutboxEntry

describe('groupReports: one queue row per report', () => {
  it('shows an offline 随手拍 (two photos and the hazard) as one report named after the hazard', () => {
    const reports = groupReports([
      at(1, { kind: 'photo', object: 'hazard:a', photoId: 'p1' }),
      at(2, { kind: 'photo', object: 'hazard:a', photoId: 'p2' }),
      at(3, { kind: 'hazard', object: 'hazard:a', label: '消防栓被遮挡' }),
    ])
    expect(reports).toHaveLength(1)
    expect(reports[0]).toMatchObject({ object: 'hazard:a', photos: 2, attempts: 0, createdAt: 1000 })
    expect(reports[0]?.main).toMatchObject({ kind: 'hazard', label: '消防栓被遮挡' })
    expect(reports[0]?.parked).toBeUndefined()
  })

  it('shows a checklist (start, photo, answers, submit) as one report, its parked step with the reason', () => {
    const refused = { status: 422, code: 'inspection_incomplete', message: '检查未完成，不能提交' }
    const reports = groupReports([
      at(1, { kind: 'inspection_start', object: 'inspection:c' }),
      at(2, { kind: 'photo', object: 'inspection:c' }),
      at(4, { kind: 'inspection_answers', object: 'inspection:c' }),
      at(5, { kind: 'inspection_submit', object: 'inspection:c', state: 'attention', attempts: 1, error: refused }),
    ])
    expect(reports).toHaveLength(1)
    expect(reports[0]).toMatchObject({ photos: 1, error: refused, attempts: 0 })
    expect(reports[0]?.main.kind).toBe('inspection_submit')
    expect(reports[0]?.parked?.seq).toBe(5)
  })

  it('keeps reports apart and in the order they were made; a retried one says how often', () => {
    const offline = { status: 0, code: 'network', message: 'Failed to fetch' }
    const reports = groupReports([
      at(7, { kind: 'hazard_action', object: 'hazard-id:12', action: 'verify' }),
      at(3, { kind: 'photo', object: 'hazard:b', attempts: 2, error: offline }),
      at(5, { kind: 'hazard', object: 'hazard:b' }),
      at(6, { kind: 'hazard_action', object: 'hazard:b', action: 'assign' }),
      at(8, { kind: 'inspection_delete', object: 'inspection:d' }),
    ])
    expect(reports.map((r) => [r.object, r.main.kind])).toEqual([
      ['hazard:b', 'hazard'], ['hazard-id:12', 'hazard_action'], ['inspection:d', 'inspection_delete'],
    ])
    expect(reports[0]).toMatchObject({ attempts: 2, error: offline })
    expect(countReports(reports.flatMap((r) => r.entries))).toEqual({ pending: 3, attention: 0 })
  })
})

import { describe, expect, it } from 'vitest'
import { lateRow, phaseTag, progressOf, receiptTag, tasksOfCenter } from '../src/console/campaigns/campaigns'
import type { CenterProgressOut } from '../src/lib/campaigns'
import type { TaskOut } from '../src/lib/tasks'

const center = (id: number, status: 'pending' | 'submitted', late: boolean, done = 1, missed = 0): CenterProgressOut => ({
  center_id: id, center_name: `中心${id}`, tasks_total: 3, tasks_done: done, tasks_missed: missed, tasks_due: 3 - done - missed,
  tasks_cancelled: 0,
  receipt: { center_id: id, center_name: `中心${id}`, status, done: null, findings_count: null, note: null, submitted_by_id: null,
    submitted_at: null, corrected_at: null, late, version: 1 },
})

describe('a campaign in the console list', () => {
  it('counts 回执 and tasks over its centers', () => {
    const c = { centers: [center(1, 'submitted', false, 3), center(2, 'pending', true, 1, 2)], late_center_ids: [2] }
    expect(progressOf(c)).toEqual({ centers: 2, submitted: 1, late: 1, tasks: 6, done: 4, missed: 2 })
    expect(lateRow({ status: 'dispatched', late_center_ids: [2] })).toBe('row--alert')
    expect(lateRow({ status: 'cancelled', late_center_ids: [2] })).toBe('')
  })
  it('gives each receipt state its colour and says where the window is', () => {
    expect(receiptTag({ status: 'submitted', late: false }, false)).toEqual({ text: '已回执', type: 'success' })
    expect(receiptTag({ status: 'submitted', late: true }, false)).toEqual({ text: '已回执（迟报）', type: 'warning' })
    expect(receiptTag({ status: 'pending', late: false }, false)).toEqual({ text: '未回执', type: 'info' })
    expect(receiptTag({ status: 'pending', late: true }, false)).toEqual({ text: '逾期未回执', type: 'danger' })
    expect(receiptTag({ status: 'pending', late: false }, true)).toEqual({ text: '无需回执', type: 'info' })
    expect(receiptTag({ status: 'submitted', late: false }, true)).toEqual({ text: '已回执', type: 'success' })
    const window = { starts_on: '2026-12-01', ends_on: '2026-12-05' }
    expect(phaseTag({ ...window, status: 'dispatched' }, '2026-12-03').key).toBe('campaign.running')
    expect(phaseTag({ ...window, status: 'dispatched' }, '2026-11-30').key).toBe('campaign.upcoming')
    expect(phaseTag({ ...window, status: 'cancelled' }, '2026-12-03').key).toBe('campaign.cancelled')
  })
  it("lists one center's tasks, the missed first", () => {
    const task = (site: string, centerId: number, state: TaskOut['state']): TaskOut => ({ site_name: site, center_id: centerId, state,
      module_id: 1 }) as TaskOut
    const tasks = [task('B', 1, 'done'), task('A', 1, 'due'), task('C', 2, 'missed'), task('D', 1, 'missed')]
    expect(tasksOfCenter(tasks, 1).map((t) => `${t.site_name}:${t.state}`)).toEqual(['D:missed', 'A:due', 'B:done'])
  })
})

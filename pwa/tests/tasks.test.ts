import { describe, expect, it } from 'vitest'
import type { DraftInspection } from '../src/lib/db'
import { badgeText, draftFor, focusedTask, notificationRoute, sortTasks, taskWindow, type TaskOut } from '../src/lib/tasks'

const task = (over: Partial<TaskOut>): TaskOut => ({
  id: 1, plan_id: 1, plan_name: 'p', site_id: 1, site_name: 'A', center_id: 1, module_id: 1, kind: 'routine',
  due_on: '2026-12-02', window_start_at: '2026-12-02T00:00:00Z', window_end_at: '2026-12-02T03:00:00Z',
  assignee_ids: [], state: 'due', inspection_id: null, done_at: null, ...over,
} as TaskOut)

describe('taskWindow', () => {
  it('shows Asia/Shanghai wall time', () => {
    expect(taskWindow(task({}))).toBe('08:00–11:00')
  })
  it('ends a whole day at 24:00', () => {
    expect(taskWindow(task({ window_start_at: '2026-12-01T16:00:00Z', window_end_at: '2026-12-02T16:00:00Z' }))).toBe('00:00–24:00')
  })
})

describe('sortTasks', () => {
  it('puts due first by window, then missed, then done', () => {
    const list = [
      task({ id: 1, state: 'done' }), task({ id: 2, state: 'missed' }),
      task({ id: 3, state: 'due', window_start_at: '2026-12-02T06:00:00Z' }), task({ id: 4, state: 'due' }),
    ]
    expect(sortTasks(list).map((t) => t.id)).toEqual([4, 3, 2, 1])
  })
})

describe('draftFor', () => {
  const d = (id: string, siteId: number, moduleId: number, updatedAt: number, status: DraftInspection['status'] = 'draft', kind?: string) =>
    ({ id, siteId, moduleId, updatedAt, status, kind }) as DraftInspection
  it('resumes the latest draft of that module at that site', () => {
    const drafts = [d('a', 1, 2, 1), d('b', 1, 2, 5), d('c', 1, 3, 9), d('e', 2, 2, 9), d('f', 1, 2, 10, 'submitting')]
    expect(draftFor(drafts, 1, 2, 'routine')?.id).toBe('b')
    expect(draftFor(drafts, 3, 2, 'routine')).toBeUndefined()
  })
  it('resumes only a draft of the task\'s kind: a routine checklist does not do a 专项检查', () => {
    const drafts = [d('old', 1, 2, 9), d('sp', 1, 2, 5, 'draft', 'special')]
    expect(draftFor(drafts, 1, 2, 'special')?.id).toBe('sp')
    expect(draftFor(drafts, 1, 2, 'routine')?.id).toBe('old')
    expect(draftFor(drafts, 1, 2, 'holiday')).toBeUndefined()
  })
})

describe('notifications', () => {
  it('opens a hazard, or home', () => {
    expect(notificationRoute({ kind: 'overdue', object_type: 'hazard', object_id: 7 })).toBe('/hazards/7')
    expect(notificationRoute({ kind: 'task_due', object_type: 'patrol_task', object_id: 7 })).toBe('/?task=7')
    expect(notificationRoute({ kind: 'task_missed', object_type: 'patrol_task', object_id: 7 })).toBe('/?task=7&open=1')
    expect(notificationRoute({ kind: 'receipt_due', object_type: 'campaign', object_id: 3 })).toBe('/campaigns/3')
    expect(notificationRoute({ kind: 'escalated', object_type: 'inspection', object_id: 7 })).toBe('/')
  })
  it('badge text', () => {
    expect(badgeText(0)).toBe('')
    expect(badgeText(3)).toBe('3')
    expect(badgeText(120)).toBe('99+')
  })
})

describe('focusedTask', () => {
  const list = [task({ id: 3 }), task({ id: 9, state: 'missed' })]
  it('finds the task a notification named', () => {
    expect(focusedTask(list, { task: '9' })?.state).toBe('missed')
  })
  it('ignores a task not listed today, or no task', () => {
    expect(focusedTask(list, { task: '4' })).toBeUndefined()
    expect(focusedTask(list, {})).toBeUndefined()
    expect(focusedTask(list, { task: 'x' })).toBeUndefined()
  })
})

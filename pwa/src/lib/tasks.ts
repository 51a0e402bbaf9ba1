/** Today's patrol tasks on the home screen and the bell's notifications: the pure parts. */
import type { components } from '../api/schema'
import type { DraftInspection } from './db'

export type TaskOut = components['schemas']['TaskOut']
export type TaskState = components['schemas']['TaskState']
export type NotificationOut = components['schemas']['NotificationOut']

const hhmm = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })

/** A task's window in Asia/Shanghai wall time: 08:00–11:00 (a whole day ends at 24:00, not 00:00). */
export function taskWindow(task: Pick<TaskOut, 'window_start_at' | 'window_end_at'>): string {
  const start = new Date(task.window_start_at)
  const end = new Date(task.window_end_at)
  const endText = hhmm.format(end)
  const wholeDays = end.getTime() > start.getTime() && endText === '00:00'
  return `${hhmm.format(start)}–${wholeDays ? '24:00' : endText}`
}

const ORDER: Record<TaskState, number> = { due: 0, missed: 1, done: 2, cancelled: 3 }

/** What is left to do first (by window start), then the missed, then the done. */
export function sortTasks(tasks: readonly TaskOut[]): TaskOut[] {
  return [...tasks].sort((a, b) => ORDER[a.state] - ORDER[b.state] || a.window_start_at.localeCompare(b.window_start_at) ||
    a.site_name.localeCompare(b.site_name))
}

/** The checklist of this module at this site already under way on this phone (the latest), if any. */
export function draftFor(drafts: readonly DraftInspection[], siteId: number, moduleId: number, kind: string): DraftInspection | undefined {
  return drafts.filter((d) => d.status === 'draft' && d.siteId === siteId && d.moduleId === moduleId && (d.kind ?? 'routine') === kind)
    .sort((a, b) => b.updatedAt - a.updatedAt)[0]
}

/** Where tapping a notification goes: its hazard or campaign; for 今日巡检 (task_due) today's tasks on home with its first
 *  task shown; for 漏检 (task_missed) that task's checklist, to patrol it late (home opens it when it is one of
 *  today's, else shows today's tasks); home for anything the phone does not know. */
export function notificationRoute(n: Pick<NotificationOut, 'kind' | 'object_type' | 'object_id'>): string {
  if (n.object_type === 'hazard') return `/hazards/${n.object_id}`
  if (n.object_type === 'campaign') return `/campaigns/${n.object_id}`
  if (n.object_type === 'patrol_task' && n.kind === 'task_due') return `/?task=${n.object_id}`
  if (n.object_type === 'patrol_task' && n.kind === 'task_missed') return `/?task=${n.object_id}&open=1`
  return '/'
}

/** The task a notification pointed home at (``?task=``), if it is one of the tasks listed. */
export function focusedTask(tasks: readonly TaskOut[], query: { task?: unknown }): TaskOut | undefined {
  const id = Number(typeof query.task === 'string' ? query.task : NaN)
  return Number.isInteger(id) ? tasks.find((t) => t.id === id) : undefined
}

/** The bell's badge: nothing at 0, 99+ beyond. */
export function badgeText(unread: number): string {
  return unread <= 0 ? '' : unread > 99 ? '99+' : String(unread)
}

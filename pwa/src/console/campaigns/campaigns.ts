/** The campaigns screen's pure parts: a campaign's 回执 and task counts over its centers, the tag a
 *  receipt state wears, a center's tasks (tests/campaignsConsole.test.ts). Receipt wording, deadline
 *  words and the late-first order are the phone's (lib/campaigns.ts). */
import { receiptState, windowPhase, type CampaignDetailOut, type ReceiptOut } from '../../lib/campaigns'
import { t, type MessageKey } from '../../lib/i18n'
import type { TaskOut } from '../../lib/tasks'
import { st } from './strings'

export interface Progress { centers: number; submitted: number; late: number; tasks: number; done: number; missed: number }

export function progressOf(c: Pick<CampaignDetailOut, 'centers' | 'late_center_ids'>): Progress {
  return c.centers.reduce<Progress>((p, x) => ({
    centers: p.centers + 1, submitted: p.submitted + Number(x.receipt.status === 'submitted'), late: p.late,
    tasks: p.tasks + x.tasks_total, done: p.done + x.tasks_done, missed: p.missed + x.tasks_missed,
  }), { centers: 0, submitted: 0, late: c.late_center_ids.length, tasks: 0, done: 0, missed: 0 })
}

export type TagType = 'success' | 'warning' | 'info' | 'danger' | 'primary'

const RECEIPT_TAGS: Record<string, TagType> = {
  'receipt.submitted': 'success', 'receipt.submittedLate': 'warning', 'receipt.pending': 'info', 'receipt.missingLate': 'danger',
}
/** 已回执 green, 已回执（迟报）orange, 未回执 grey, 逾期未回执 red; 无需回执 once the campaign is cancelled */
export function receiptTag(r: Pick<ReceiptOut, 'status' | 'late'>, cancelled: boolean): { text: string; type: TagType } {
  if (cancelled && r.status === 'pending') return { text: st('center.notOwed'), type: 'info' }
  const key = receiptState(r)
  return { text: t(key), type: RECEIPT_TAGS[key] ?? 'info' }
}

/** 未开始 / 进行中 / 已结束, or 已撤销 */
export function phaseTag(c: Pick<CampaignDetailOut, 'status' | 'starts_on' | 'ends_on'>, today: string): { key: MessageKey; type: TagType } {
  if (c.status === 'cancelled') return { key: 'campaign.cancelled', type: 'info' }
  const phase = windowPhase(c.starts_on, c.ends_on, today)
  return { key: `campaign.${phase}`, type: phase === 'running' ? 'primary' : phase === 'upcoming' ? 'warning' : 'info' }
}

/** A campaign row wants attention: still dispatched and a center's 回执 is late. */
export const lateRow = (c: Pick<CampaignDetailOut, 'status' | 'late_center_ids'>): string =>
  (c.status === 'dispatched' && c.late_center_ids.length ? 'row--alert' : '')

const TASK_ORDER: Record<TaskOut['state'], number> = { missed: 0, due: 1, done: 2, cancelled: 3 }
/** One center's tasks: the missed first (what 质监办 asks about), then still to do, done, cancelled. */
export function tasksOfCenter(tasks: readonly TaskOut[], centerId: number): TaskOut[] {
  return tasks.filter((t) => t.center_id === centerId)
    .sort((a, b) => TASK_ORDER[a.state] - TASK_ORDER[b.state] || a.site_name.localeCompare(b.site_name, 'zh-CN') || a.module_id - b.module_id)
}

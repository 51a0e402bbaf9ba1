/** 质监办's campaigns (专项检查 / 节假日检查) and the escalation ladder on the phone: the pure parts. */
import type { components } from '../api/schema'
import { fmtDate, isoDay } from './format'
import type { MessageKey } from './i18n'
import type { TaskOut } from './tasks'

type S = components['schemas']
export type CampaignDetailOut = S['CampaignDetailOut']
export type CenterProgressOut = S['CenterProgressOut']
export type ReceiptOut = S['ReceiptOut']
export type EscalationOut = S['EscalationOut']

/** Whole calendar days from `from` to `to` (both YYYY-MM-DD): negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000)
}

export interface Wording { key: MessageKey; n: number; late: boolean }

/** The 回执 deadline as a person reads it: 还剩 3 天, 今天截止, 已逾期 2 天 (the due day is the last
 *  day to submit, as the server judges it: rules.receipt_deadline). */
export function deadlineWording(receiptDueOn: string, today: string): Wording {
  const left = daysBetween(today, receiptDueOn)
  if (left < 0) return { key: 'campaign.overdueDays', n: -left, late: true }
  if (left === 0) return { key: 'campaign.dueToday', n: 0, late: false }
  return { key: 'campaign.daysLeft', n: left, late: false }
}

/** 12月28日–12月30日, or one day alone. */
export function windowText(startsOn: string, endsOn: string): string {
  return startsOn === endsOn ? fmtDate(startsOn) : `${fmtDate(startsOn)}–${fmtDate(endsOn)}`
}

export type Phase = 'upcoming' | 'running' | 'over'

export function windowPhase(startsOn: string, endsOn: string, today: string): Phase {
  return today < startsOn ? 'upcoming' : today > endsOn ? 'over' : 'running'
}

/** What a center's 回执 row says: 已回执 / 已回执（迟报）/ 未回执 / 逾期未回执. */
export function receiptState(r: Pick<ReceiptOut, 'status' | 'late'>): MessageKey {
  if (r.status === 'submitted') return r.late ? 'receipt.submittedLate' : 'receipt.submitted'
  return r.late ? 'receipt.missingLate' : 'receipt.pending'
}

/** 质监办's table: the late centers first, then those still owing a 回执, then the done; by name. */
export function centersLateFirst(centers: readonly CenterProgressOut[], lateIds: readonly number[]): CenterProgressOut[] {
  const late = new Set(lateIds)
  const rank = (c: CenterProgressOut): number => (late.has(c.center_id) ? 0 : c.receipt.status === 'pending' ? 1 : 2)
  return [...centers].sort((a, b) => rank(a) - rank(b) || a.center_name.localeCompare(b.center_name, 'zh-CN'))
}

/** The last day a task may be done, when its window spans more than one day (a campaign's task):
 *  the window ends at 00:00 of the day after. null for a task of one day. */
export function lastDay(task: Pick<TaskOut, 'window_start_at' | 'window_end_at'>): string | null {
  const first = isoDay(new Date(task.window_start_at))
  const last = isoDay(new Date(Date.parse(task.window_end_at) - 1))
  return last > first ? last : null
}

const TASK_ORDER: Record<TaskOut['state'], number> = { due: 0, missed: 1, done: 2, cancelled: 3 }

/** A campaign's tasks on its page: what is still to do first, then missed, done, cancelled; by site. */
export function campaignTaskOrder(tasks: readonly TaskOut[]): TaskOut[] {
  return [...tasks].sort((a, b) => TASK_ORDER[a.state] - TASK_ORDER[b.state] ||
    a.site_name.localeCompare(b.site_name, 'zh-CN') || a.module_id - b.module_id)
}

/** One row per escalated hazard, at the highest level it reached (level 2 = 质监办 was told), the
 *  most recently escalated first. */
export function escalatedHazards(rows: readonly EscalationOut[]): EscalationOut[] {
  const top = new Map<string, EscalationOut>()
  for (const e of rows) {
    const key = `${e.object_type}:${e.object_id}`
    const seen = top.get(key)
    if (!seen || e.level > seen.level || (e.level === seen.level && e.created_at > seen.created_at)) top.set(key, e)
  }
  return [...top.values()].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id)
}

/** Days overdue now: the escalation's count, or more as days go by (never fewer). */
export function overdueNow(e: Pick<EscalationOut, 'due_on' | 'days_overdue'>, today: string): number {
  return Math.max(e.days_overdue, daysBetween(e.due_on, today))
}

/** What the user may do with 专项检查 and the 逾期升级 ladder: GET /me's `capabilities.campaigns` and
 *  `.escalations` (backend/campaigns/service.py campaign_rights), so the phone shows what the server
 *  answers. `all_centers`: the group-wide view (every center's row) rather than one center's. */
export type Rights = S['CampaignRights'] & { escalations: boolean }

type Caps = Partial<Pick<S['Capabilities'], 'campaigns' | 'escalations'>>
/** The server's flags; from the roles only for a copy of /me saved before the server gave them. */
export function rightsOf(caps: Caps | null, roles: readonly string[], centerId: number | null | undefined): Rights {
  if (caps?.campaigns && caps.escalations !== undefined) return { ...caps.campaigns, escalations: caps.escalations }
  const has = (...rs: string[]) => roles.some((r) => rs.includes(r))
  const all = has('qa_officer', 'leader')
  return { read: all || centerId != null, all_centers: all, dispatch: has('qa_officer'),
    submit_receipt: has('center_manager') && centerId != null, escalations: has('center_manager', 'qa_officer', 'leader') }
}

/** The 回执 row this user submits: their center's, when they may submit it. */
export function ownReceipt(detail: Pick<CampaignDetailOut, 'centers'>, rights: Pick<Rights, 'submit_receipt'>, centerId: number | null | undefined): ReceiptOut | null {
  if (!rights.submit_receipt || centerId == null) return null
  return detail.centers.find((c) => c.center_id === centerId)?.receipt ?? null
}

/** The file name a downloaded attachment is saved under. */
export function attachmentName(a: { name?: string | null; content_type: string }, title: string): string {
  if (a.name) return a.name
  const ext: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' }
  return `${title}.${ext[a.content_type] ?? 'bin'}`
}

/** Campaigns still under way: dispatched, and today within the window or before the 回执 deadline. */
export function activeCampaigns(list: readonly CampaignDetailOut[], today: string): CampaignDetailOut[] {
  return list.filter((c) => c.status === 'dispatched' && today <= (c.ends_on > c.receipt_due_on ? c.ends_on : c.receipt_due_on))
}

/** One row per escalated hazard, those still overdue now (as the server says: `hazard.is_overdue`)
 *  first; then those since closed or given a new deadline. */
export function stillOverdueFirst(rows: readonly EscalationOut[]): EscalationOut[] {
  const done = (e: EscalationOut) => Number(!e.hazard.is_overdue)
  return escalatedHazards(rows).map((e, i) => ({ e, i })).sort((a, b) => done(a.e) - done(b.e) || a.i - b.i).map(({ e }) => e)
}

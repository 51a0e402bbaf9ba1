// Campaigns and escalations on the phone: deadline wording, the 质监办 table's order, multi-day tasks,
// one row per escalated hazard, who is shown what.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  activeCampaigns, attachmentName, campaignTaskOrder, centersLateFirst, daysBetween, deadlineWording, escalatedHazards,
  lastDay, overdueNow, ownReceipt, receiptState, rightsOf, stillOverdueFirst, windowPhase,
  windowText, type CampaignDetailOut, type CenterProgressOut, type EscalationOut, type ReceiptOut,
} from '../src/lib/campaigns'
import { lang } from '../src/lib/i18n'
import type { TaskOut } from '../src/lib/tasks'

beforeEach(() => {
  vi.useFakeTimers()
  vi.setSystemTime(new Date('2026-12-02T06:00:00Z'))
})
afterEach(() => {
  vi.useRealTimers()
  lang.value = 'zh-CN'
})

const receipt = (over: Partial<ReceiptOut> = {}): ReceiptOut => ({
  center_id: 1, center_name: 'A', status: 'pending', done: null, findings_count: null, note: null, submitted_by_id: null,
  submitted_at: null, corrected_at: null, late: false, version: 1, ...over,
})
const center = (id: number, name: string, r: Partial<ReceiptOut> = {}): CenterProgressOut => ({
  center_id: id, center_name: name, tasks_total: 2, tasks_done: 1, tasks_missed: 0, tasks_due: 1, tasks_cancelled: 0,
  receipt: receipt({ center_id: id, center_name: name, ...r }),
})
const esc = (over: Partial<EscalationOut>): EscalationOut => ({
  id: 1, object_type: 'hazard', object_id: 10, center_id: 1, level: 1, due_on: '2026-11-20', days_overdue: 3,
  title: 'x', created_at: '2026-11-23T01:00:00Z',
  hazard: { title: 'x', status: 'assigned', grade: 'general', deadline: '2026-11-20', is_overdue: true, overdue_days: 3 }, ...over,
})
const task = (over: Partial<TaskOut>): TaskOut => ({
  id: 1, plan_id: null, plan_name: null, campaign_id: 1, campaign_title: 'c', site_id: 1, site_name: 'A', center_id: 1,
  module_id: 1, kind: 'special', due_on: '2026-12-01', window_start_at: '2026-11-30T16:00:00Z',
  window_end_at: '2026-12-03T16:00:00Z', assignee_ids: [], state: 'due', inspection_id: null, done_at: null, ...over,
} as TaskOut)

describe('the 回执 deadline', () => {
  it('counts calendar days, the due day being the last to submit', () => {
    expect(daysBetween('2026-12-02', '2026-12-05')).toBe(3)
    expect(daysBetween('2026-12-31', '2027-01-01')).toBe(1)
    expect(deadlineWording('2026-12-05', '2026-12-02')).toEqual({ key: 'campaign.daysLeft', n: 3, late: false })
    expect(deadlineWording('2026-12-02', '2026-12-02')).toEqual({ key: 'campaign.dueToday', n: 0, late: false })
    expect(deadlineWording('2026-11-30', '2026-12-02')).toEqual({ key: 'campaign.overdueDays', n: 2, late: true })
  })
  it('names a receipt by its state and lateness', () => {
    expect(receiptState(receipt())).toBe('receipt.pending')
    expect(receiptState(receipt({ late: true }))).toBe('receipt.missingLate')
    expect(receiptState(receipt({ status: 'submitted' }))).toBe('receipt.submitted')
    expect(receiptState(receipt({ status: 'submitted', late: true }))).toBe('receipt.submittedLate')
  })
})

describe('the window', () => {
  it('reads as dates, one alone when it is one day', () => {
    expect(windowText('2026-12-28', '2026-12-30')).toBe('12月28日–12月30日')
    expect(windowText('2026-12-28', '2026-12-28')).toBe('12月28日')
    lang.value = 'en-US'
    expect(windowText('2026-12-28', '2027-01-02')).toBe('Dec 28–Jan 2, 2027')
  })
  it('is upcoming, running or over', () => {
    expect(windowPhase('2026-12-03', '2026-12-05', '2026-12-02')).toBe('upcoming')
    expect(windowPhase('2026-12-02', '2026-12-02', '2026-12-02')).toBe('running')
    expect(windowPhase('2026-11-28', '2026-12-01', '2026-12-02')).toBe('over')
  })
  it('keeps a campaign under way until its window and its 回执 are both over', () => {
    const c = (over: Partial<CampaignDetailOut>) => ({ status: 'dispatched', ends_on: '2026-12-01', receipt_due_on: '2026-12-03', ...over }) as CampaignDetailOut
    expect(activeCampaigns([c({}), c({ receipt_due_on: '2026-12-01' }), c({ status: 'cancelled' }),
      c({ ends_on: '2026-12-09', receipt_due_on: '2026-12-01' })], '2026-12-02')).toHaveLength(2)
  })
})

describe('a campaign task over several days', () => {
  it('says its last day (the window ends at 00:00 after it, Asia/Shanghai)', () => {
    expect(lastDay(task({}))).toBe('2026-12-03')
    expect(lastDay(task({ window_start_at: '2026-12-01T16:00:00Z', window_end_at: '2026-12-02T16:00:00Z' }))).toBeNull()
    expect(lastDay(task({ window_start_at: '2026-12-02T00:00:00Z', window_end_at: '2026-12-02T03:00:00Z' }))).toBeNull()
  })
  it('lists what is left to do first', () => {
    const order = campaignTaskOrder([task({ id: 1, state: 'done', site_name: 'B' }), task({ id: 2, state: 'missed' }),
      task({ id: 3, site_name: 'B' }), task({ id: 4, site_name: 'A' })])
    expect(order.map((x) => x.id)).toEqual([4, 3, 2, 1])
  })
})

describe("质监办's table", () => {
  it('puts the late centers first, then those owing, then the done', () => {
    const rows = centersLateFirst([center(1, '饮食', { status: 'submitted' }), center(2, '物业'), center(3, '能源'),
      center(4, '交通', { status: 'submitted', late: true })], [3, 4])
    expect(rows.map((c) => c.center_id)).toEqual([4, 3, 2, 1])
  })
  it("finds a manager's own 回执, and nobody else's", () => {
    const detail = { centers: [center(1, 'A'), center(2, 'B')] }
    expect(ownReceipt(detail, { submit_receipt: true }, 2)?.center_id).toBe(2)
    expect(ownReceipt(detail, { submit_receipt: false }, 2)).toBeNull()
    expect(ownReceipt(detail, { submit_receipt: true }, 9)).toBeNull()
    expect(ownReceipt(detail, { submit_receipt: true }, null)).toBeNull()
  })
})

describe('escalations', () => {
  it('show one row per hazard at its highest level, the latest first', () => {
    const rows = escalatedHazards([esc({ id: 1 }), esc({ id: 2, level: 2, created_at: '2026-11-27T01:00:00Z' }),
      esc({ id: 3, object_id: 11, created_at: '2026-11-28T01:00:00Z' })])
    expect(rows.map((e) => e.id)).toEqual([3, 2])
  })
  it('put the still overdue first, as the server judges it', () => {
    const closed = { ...esc({}).hazard, status: 'closed' as const, is_overdue: false, overdue_days: 0 }
    const rows = stillOverdueFirst([esc({ id: 1, object_id: 10 }), esc({ id: 3, object_id: 11, created_at: '2026-11-28T01:00:00Z', hazard: closed }),
      esc({ id: 4, object_id: 12, created_at: '2026-11-29T01:00:00Z' })])
    expect(rows.map((e) => e.id)).toEqual([4, 1, 3])
  })
  it('count days overdue up to today, never fewer than when escalated', () => {
    expect(overdueNow(esc({}), '2026-12-02')).toBe(12)
    expect(overdueNow(esc({ due_on: '2026-12-05', days_overdue: 9 }), '2026-12-02')).toBe(9)
  })
})

describe('who sees what', () => {
  it("takes the server's flags from GET /me", () => {
    const campaigns = { read: true, all_centers: false, dispatch: false, submit_receipt: false }
    expect(rightsOf({ campaigns, escalations: false }, ['qa_officer'], null)).toEqual({ ...campaigns, escalations: false })
  })
  it('guesses from the roles only for a copy of /me saved before the flags', () => {
    expect(rightsOf(null, ['inspector'], 1)).toMatchObject({ read: true, all_centers: false, submit_receipt: false, escalations: false })
    expect(rightsOf({}, ['admin'], null)).toMatchObject({ read: false, dispatch: false, escalations: false })
    expect(rightsOf(null, ['center_manager'], 1)).toMatchObject({ submit_receipt: true, escalations: true })
    expect(rightsOf(null, ['leader'], null)).toMatchObject({ read: true, all_centers: true, dispatch: false })
    expect(rightsOf(null, ['qa_officer'], 5)).toMatchObject({ all_centers: true, dispatch: true, submit_receipt: false })
  })
  it('names a download after the document', () => {
    expect(attachmentName({ name: '通知.pdf', content_type: 'application/pdf' }, 't')).toBe('通知.pdf')
    expect(attachmentName({ name: null, content_type: 'application/pdf' }, '消防检查')).toBe('消防检查.pdf')
  })
})

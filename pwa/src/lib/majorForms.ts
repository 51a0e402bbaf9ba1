/** 质监办's forms on a major hazard: 挂牌督办, 上报 and the 销号 evidence. 挂牌督办 and 上报 are sent
 *  online only: each is a formal record (督办单 number, a report's time) that must not sit in a
 *  phone's queue while the office believes it was made; offline the form says so and stays filled.
 *  The 销号 (verify) goes through the outbox like every workflow action, its evidence photos with it. */
import { ApiError, NetworkError, request, toApiError } from '../api/client'
import type { HazardDetailOut } from '../api/types'
import type { EntryError } from './db'
import { isoDay, uuid } from './format'
import { t } from './i18n'

export const CHANNELS = ['written', 'phone', 'system', 'in_person', 'other'] as const
export type Channel = (typeof CHANNELS)[number]
export const ONLINE_ONLY = new Set(['supervise', 'report_upward'])

export interface MajorForm {
  supervisor: string
  supervisor_unit: string
  supervised_on: string
  requirements: string
  deadline: string
  order_no: string
  recipient: string
  reported_at: string // datetime-local, Asia/Shanghai
  channel: Channel
  reference_no: string
  note: string
  opinion: string
  documents: string
  evidence: string[] // local photo ids (the outbox uploads them)
  /** one key per opened form: a resend after a lost answer is the same request, never a second record */
  key: string
}

/** YYYY-MM-DDTHH:mm in Asia/Shanghai, for a datetime-local field */
function localNow(d: Date = new Date()): string {
  return new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 16)
}

export function emptyMajorForm(): MajorForm {
  return {
    supervisor: '', supervisor_unit: '质量监督办公室', supervised_on: isoDay(new Date()), requirements: '', deadline: '',
    order_no: '', recipient: '', reported_at: localNow(), channel: 'written', reference_no: '', note: '', opinion: '',
    documents: '', evidence: [], key: uuid(),
  }
}

type Errors = Record<string, string>
const filled = (v: string): boolean => v.trim().length > 0
const orNull = (v: string): string | null => (filled(v) ? v.trim() : null)

/** The body of `action` from the form, or the errors to show at the fields. */
export function majorBody(action: string, f: MajorForm, today: string = isoDay(new Date())):
  { body: Record<string, unknown> | null; errors: Errors } {
  const errors: Errors = {}
  const need = (field: keyof MajorForm, v: string): void => { if (!filled(v)) errors[field] = t('form.required') }
  if (action === 'supervise') {
    need('supervisor', f.supervisor)
    need('supervisor_unit', f.supervisor_unit)
    need('requirements', f.requirements)
    if (f.supervised_on && f.supervised_on > today) errors.supervised_on = t('major.future')
    if (f.deadline && f.supervised_on && f.deadline < f.supervised_on) errors.deadline = t('major.deadlineBefore')
    return {
      errors,
      body: Object.keys(errors).length ? null : {
        supervisor: f.supervisor.trim(), supervisor_unit: f.supervisor_unit.trim(), supervised_on: f.supervised_on || null,
        requirements: f.requirements.trim(), deadline: f.deadline || null, order_no: orNull(f.order_no),
      },
    }
  }
  if (action === 'report_upward') {
    need('recipient', f.recipient)
    need('reported_at', f.reported_at)
    if (f.reported_at && f.reported_at > localNow(new Date(Date.now() + 10 * 60e3))) errors.reported_at = t('major.future')
    return {
      errors,
      body: Object.keys(errors).length ? null : {
        recipient: f.recipient.trim(), reported_at: `${f.reported_at}:00+08:00`, channel: f.channel,
        reference_no: orNull(f.reference_no), note: orNull(f.note),
      },
    }
  }
  // verify of a major hazard: its 销号 evidence (the photos travel beside the body, through the outbox)
  need('opinion', f.opinion)
  if (!f.evidence.length) errors.evidence = t('major.evidenceHint')
  return { errors, body: Object.keys(errors).length ? null : { comment: f.opinion.trim(), documents: orNull(f.documents) } }
}

/** The server's field errors of a refused major action, at the form's fields. */
export function serverMajorErrors(error: EntryError): Errors {
  const out: Errors = {}
  const d = error.details ?? {}
  if (error.code === 'date_in_future') for (const k of Object.keys(d)) out[k] = t('major.future')
  if (error.code === 'supervision_deadline_before_date') out.deadline = t('major.deadlineBefore')
  if (error.code === 'upward_report_before_hazard') out.reported_at = t('major.beforeFound')
  if (error.code === 'closure_evidence_required') {
    for (const k of (d.missing ?? []) as string[]) out[k === 'comment' ? 'opinion' : 'evidence'] = k === 'comment' ? t('form.required') : t('major.evidenceHint')
  }
  return out
}

export type OnlineResult = { hazard: HazardDetailOut } | { offline: true } | { error: EntryError }

/** Send an online-only action now: the hazard as the server stored it, the refusal, or offline. */
export async function sendOnline(token: string | null, hazardId: number, action: string, body: Record<string, unknown>,
  key: string, online: boolean = typeof navigator === 'undefined' || navigator.onLine): Promise<OnlineResult> {
  if (!online) return { offline: true }
  try {
    const hazard = await request<HazardDetailOut>(`/hazards/${hazardId}/actions/${action}`, {
      method: 'POST', token, body, headers: { 'Idempotency-Key': key },
    })
    return { hazard }
  } catch (err) {
    if (err instanceof NetworkError) return { offline: true }
    if (err instanceof ApiError) return { error: { status: err.status, code: err.code, message: err.message, details: err.details } }
    throw err
  }
}

/** The 督办单 (HTML from the server, under the caller's auth) or why it could not be had. */
export async function fetchSheet(token: string | null, hazardId: number): Promise<{ html: string } | { offline: true } | { error: string }> {
  if (typeof navigator !== 'undefined' && !navigator.onLine) return { offline: true }
  let res: Response
  try {
    res = await fetch(`/api/v1/hazards/${hazardId}/supervision/sheet`, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
  } catch (err) {
    console.warn('督办单 unavailable', err)
    return { offline: true }
  }
  if (!res.ok) return { error: (await toApiError(res)).message }
  return { html: await res.text() }
}

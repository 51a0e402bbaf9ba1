/** The records screen's calls (附表1/2/3, submissions, trainings, 通报/约谈, evaluation), typed by the
 *  generated OpenAPI schema. Writes carry an Idempotency-Key (create) or If-Match (change, delete) as
 *  the API asks: a change made meanwhile by someone else is refused, never overwritten. */
import { request } from '../../api/client'
import type { components } from '../../api/schema'
import type { Page } from '../../api/types'
import { uuid } from '../../lib/format'
import { session } from '../../lib/session'

type S = components['schemas']
export type ResponsibilityItem = S['ResponsibilityItemOut']
export type Regulation = S['RegulationOut']
export type Training = S['TrainingOut']
export type Accountability = S['AccountabilityOut']
export type Entry = S['EntryOut']
export type EntryBody = S['EntryIn']
export type YearBody = S['YearIn']
export type Attachment = S['RecordAttachmentOut']
export type ActionCampaign = S['ActionCampaignOut']
export type ActionCampaignBody = S['ActionCampaignIn']
export type Matrix = S['SubmissionMatrixOut']
export type TableStatus = S['TableStatusOut']
export type OfficialTable = S['OfficialTable']
export type Evaluation = S['EvaluationOut']
export type CenterEvaluation = S['CenterEvaluationOut']
export type ImportResult = S['ImportOut']

/** A record of any kind with attachments: what the shared list, form and attachment parts need. */
export interface CenterRecord { id: number; center_id: number; version: number; attachments: Attachment[] }

/** The record kinds that share one set of routes (backend/records/routes.py). */
export type RecordPath = '/responsibility-items' | '/regulations' | '/trainings' | '/accountability-records'

const authed = <T>(path: string, opts: Parameters<typeof request>[1] = {}): Promise<T> =>
  request<T>(path, { token: session.token, ...opts })

const ifMatch = (version: number): Record<string, string> => ({ 'If-Match': `"${version}"` })

/** Every item of a paged list (pages of 200, followed to the end). */
export async function listAll<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T[]> {
  const out: T[] = []
  let cursor: string | null = null
  do {
    const q = new URLSearchParams({ limit: '200' })
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, String(v))
    if (cursor) q.set('cursor', cursor)
    const page: Page<T> = await authed(`${path}?${q.toString()}`)
    out.push(...page.items)
    cursor = page.next_cursor
  } while (cursor)
  return out
}

export const createRecord = <T>(path: string, body: Record<string, unknown>): Promise<T> =>
  authed(path, { method: 'POST', body, headers: { 'Idempotency-Key': uuid() } })
export const updateRecord = <T>(path: string, id: number, version: number, body: Record<string, unknown>): Promise<T> =>
  authed(`${path}/${id}`, { method: 'PATCH', body, headers: ifMatch(version) })
export const deleteRecord = (path: string, id: number, version: number): Promise<void> =>
  authed(`${path}/${id}`, { method: 'DELETE', headers: ifMatch(version) })

export function uploadAttachment(path: RecordPath, recordId: number, file: File): Promise<Attachment> {
  const form = new FormData()
  form.append('file', file, file.name)
  return authed(`${path}/${recordId}/attachments`, { method: 'POST', form, timeoutMs: 120000 })
}
export const deleteAttachment = (path: RecordPath, recordId: number, attachmentId: number): Promise<void> =>
  authed(`${path}/${recordId}/attachments/${attachmentId}`, { method: 'DELETE' })

/** An official table's .xlsx (附表2 or 附表3) imported into a center: all rows or none. */
export function importTable(table: 'table2' | 'table3', file: File, centerId: number): Promise<ImportResult> {
  const form = new FormData()
  form.append('file', file, file.name)
  return authed(`/imports/${table}.xlsx?center_id=${centerId}`, { method: 'POST', form, timeoutMs: 120000 })
}

export const actionCampaigns = (): Promise<ActionCampaign[]> => listAll('/action-campaigns')
export const createActionCampaign = (body: ActionCampaignBody): Promise<ActionCampaign> =>
  authed('/action-campaigns', { method: 'POST', body, headers: { 'Idempotency-Key': uuid() } })
export const updateActionCampaign = (a: ActionCampaign, body: Partial<ActionCampaignBody>): Promise<ActionCampaign> =>
  authed(`/action-campaigns/${a.id}`, { method: 'PATCH', body, headers: ifMatch(a.version) })
export const submissions = (actionId: number): Promise<Matrix> => authed(`/action-campaigns/${actionId}/submissions`)
export const submitTable = (actionId: number, table: OfficialTable, note: string | null): Promise<Matrix> =>
  authed(`/action-campaigns/${actionId}/submissions`, { method: 'POST', body: { table, note }, headers: { 'Idempotency-Key': uuid() } })

export function evaluation(from: string, to: string): Promise<Evaluation> {
  return authed(`/evaluation?${new URLSearchParams({ from, to }).toString()}`)
}

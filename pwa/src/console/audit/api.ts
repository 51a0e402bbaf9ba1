/** 审计日志's calls (qa_officer and admin: the server answers others 403). */
import type { AuditEntryOut, Page, VerificationOut } from '../../api/types'
import { authed } from '../api'

/** the object types the backend audits (backend `audit.record(object_type=…)`), offered in the filter */
export const OBJECT_TYPES = [
  'hazard', 'user', 'inspection', 'campaign', 'action_campaign', 'api_key', 'webhook_subscription', 'webhook_delivery',
  'module', 'patrol_plan', 'patrol_task', 'rectification_entry', 'external_inspection', 'evaluation_weights', 'photo',
] as const

export interface AuditFilters {
  action: string
  object_type: string
  object_id: string
  actor: { id: number; label: string } | null
  /** [from, to) as ISO times with their offset */
  range: [string, string] | null
}

export const emptyAuditFilters = (): AuditFilters => ({ action: '', object_type: '', object_id: '', actor: null, range: null })

/** GET /audit's query for the filters (the object id only with its type, as the API reads it). */
export function auditParams(f: AuditFilters, cursor: string | null, limit = 50): URLSearchParams {
  const p = new URLSearchParams({ limit: String(limit) })
  if (f.action.trim()) p.set('action', f.action.trim())
  if (f.object_type) {
    p.set('object_type', f.object_type)
    if (f.object_id.trim()) p.set('object_id', f.object_id.trim())
  }
  if (f.actor) p.set('actor_id', String(f.actor.id))
  if (f.range) {
    p.set('from', f.range[0])
    p.set('to', f.range[1])
  }
  if (cursor) p.set('cursor', cursor)
  return p
}

export const listAudit = (f: AuditFilters, cursor: string | null): Promise<Page<AuditEntryOut>> => authed(`/audit?${auditParams(f, cursor).toString()}`)
export const verify = (): Promise<VerificationOut> => authed('/audit/verification', { timeoutMs: 120000 })

/** A summary as one line: `key: value` pairs, nested values as compact JSON. */
export function summaryLine(summary: Record<string, unknown>): string {
  return Object.entries(summary).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join('；')
}

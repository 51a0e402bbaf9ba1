/** The campaigns screen's calls (backend/campaigns/router.py; a campaign's tasks: GET /tasks). */
import type { components } from '../../api/schema'
import type { Page } from '../../api/types'
import type { CampaignDetailOut, ReceiptOut } from '../../lib/campaigns'
import type { TaskOut } from '../../lib/tasks'
import { allPages, authed } from '../api'

export type CampaignIn = components['schemas']['CampaignIn']

export const listCampaigns = (params: URLSearchParams): Promise<Page<CampaignDetailOut>> => authed(`/campaigns?${params.toString()}`)
export const readCampaign = (id: number): Promise<CampaignDetailOut> => authed(`/campaigns/${id}`)
/** a retry with the same client_id returns the first campaign, never a second one */
export const dispatchCampaign = (body: CampaignIn): Promise<CampaignDetailOut> => authed('/campaigns', { method: 'POST', body })
export const cancelCampaign = (id: number, reason: string): Promise<CampaignDetailOut> =>
  authed(`/campaigns/${id}/cancel`, { method: 'POST', body: { reason } })
export const campaignTasks = (id: number): Promise<TaskOut[]> => allPages<TaskOut>(`/tasks?campaign_id=${id}&mine=false`, 200)

export function uploadAttachment(id: number, file: File): Promise<CampaignDetailOut> {
  const form = new FormData()
  form.append('file', file, file.name)
  return authed(`/campaigns/${id}/attachment`, { method: 'PUT', form, timeoutMs: 120000 })
}

export type ReceiptIn = components['schemas']['ReceiptIn']
/** The caller's center's 回执, with an Idempotency-Key: a retry after a lost answer returns the stored
 *  receipt instead of 409 receipt_already_submitted. */
export const submitReceipt = (id: number, body: ReceiptIn, key: string): Promise<ReceiptOut> =>
  authed(`/campaigns/${id}/receipt`, { method: 'POST', body, headers: { 'Idempotency-Key': key } })

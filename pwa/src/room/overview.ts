// The control room's API shapes (backend/stats/schemas.py), named from the generated types.
import type { components } from '../api/schema'

type S = components['schemas']
export type OverviewOut = S['OverviewOut']
export type Figures = S['Figures']
export type CenterFigures = S['CenterFigures']
export type Week = S['Week']
export type CampaignReceipts = S['CampaignReceipts']

/** One `data:` of GET /events/stream (backend/stats/schemas.py StreamEvent). The OpenAPI document
 *  states it only as the `contentSchema` of a string, which openapi-typescript does not emit, so
 *  this is its one hand-written copy. */
export interface StreamEvent {
  id: number
  event_id: string
  type: string
  at: string
  center_id: number | null
  object_type: string
  object_id: number
  actor_id: number | null
  data: Record<string, unknown>
}

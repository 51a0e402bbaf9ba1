/** 系统集成's calls: API keys and webhooks (admin only: the server answers others 403). */
import type {
  ApiKeyCreatedOut, ApiKeyCreateIn, ApiKeyOut, DeliveryOut, DeliveryStatus, EventTypeOut, Page, Scope, SubscriptionCreatedOut,
  SubscriptionIn, SubscriptionOut,
} from '../../api/types'
import { authed } from '../api'

/** every scope, in the order of backend/accounts/scopes.py */
export const SCOPES: readonly Scope[] = ['hazards:read', 'hazards:write', 'inspections:read', 'photos:write', 'stats:read', 'events:read', 'exports:read']

const page = (cursor: string | null, extra: Record<string, string> = {}): string =>
  new URLSearchParams({ limit: '50', ...(cursor ? { cursor } : {}), ...extra }).toString()

export const listKeys = (cursor: string | null): Promise<Page<ApiKeyOut>> => authed(`/api-keys?${page(cursor)}`)
export const createKey = (body: ApiKeyCreateIn): Promise<ApiKeyCreatedOut> => authed('/api-keys', { method: 'POST', body })
export const revokeKey = (id: number): Promise<ApiKeyOut> => authed(`/api-keys/${id}/revoke`, { method: 'POST' })

export const listHooks = (cursor: string | null): Promise<Page<SubscriptionOut>> => authed(`/webhooks?${page(cursor)}`)
export const eventTypes = (): Promise<EventTypeOut[]> => authed('/webhooks/event-types')
export const createHook = (body: SubscriptionIn): Promise<SubscriptionCreatedOut> => authed('/webhooks', { method: 'POST', body })
export const setHookEnabled = (id: number, enabled: boolean): Promise<SubscriptionOut> =>
  authed(`/webhooks/${id}`, { method: 'PATCH', body: { enabled } })
export const deleteHook = (id: number): Promise<void> => authed(`/webhooks/${id}`, { method: 'DELETE' })
export const testHook = (id: number): Promise<DeliveryOut> => authed(`/webhooks/${id}/test`, { method: 'POST' })
export const listDeliveries = (id: number, status: DeliveryStatus | '', cursor: string | null): Promise<Page<DeliveryOut>> =>
  authed(`/webhooks/${id}/deliveries?${page(cursor, status ? { status } : {})}`)
export const resendDelivery = (id: number, deliveryId: string): Promise<DeliveryOut> =>
  authed(`/webhooks/${id}/deliveries/${deliveryId}/resend`, { method: 'POST' })

/** The event choices of a subscription: `*`, each family (`hazard.*`) and each type, as the API names them. */
export function eventChoices(types: readonly EventTypeOut[]): { families: string[]; types: EventTypeOut[] } {
  return { families: [...new Set(types.map((t) => t.type.split('.')[0] ?? t.type))], types: [...types] }
}

/** How a delivery stands, as the log says it: waiting / sending / succeeded / failed. */
export function deliveryState(d: Pick<DeliveryOut, 'status' | 'in_flight'>): 'pending' | 'inFlight' | 'succeeded' | 'failed' {
  if (d.status === 'pending') return d.in_flight ? 'inFlight' : 'pending'
  return d.status
}

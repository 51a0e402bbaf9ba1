/** The console's calls: the same endpoints the phone uses, online (a desk has a network; nothing
 *  goes through the phone's outbox or its IndexedDB cache). Errors are the client's ApiError /
 *  NetworkError, whose message is the server's. */
import { request, type RequestOptions } from '../api/client'
import type { CenterOut, CampusOut, HazardDetailOut, HazardOut, MemberOut, Page, PhotoOut, SiteOut } from '../api/types'
import { uuid } from '../lib/format'
import { session } from '../lib/session'

/** A call with the signed-in user's token (the console's screens each add theirs in their folder). */
export const authed = <T>(path: string, opts: RequestOptions = {}): Promise<T> => request<T>(path, { token: session.token, ...opts })

export type HazardPage = Page<HazardOut> & { total?: number | null }

export const listHazards = (params: URLSearchParams): Promise<HazardPage> => authed(`/hazards?${params.toString()}`)
export const readHazard = (id: number): Promise<HazardDetailOut> => authed(`/hazards/${id}`)
export const centers = (): Promise<CenterOut[]> => authed('/centers')
export const campuses = (): Promise<CampusOut[]> => authed('/campuses')
export const members = (centerId: number): Promise<MemberOut[]> => authed(`/centers/${centerId}/members`)

/** Every row of a cursor-paged list (the API's pages of `limit`, followed to the end). */
export async function allPages<T>(path: string, limit: number): Promise<T[]> {
  const out: T[] = []
  const sep = path.includes('?') ? '&' : '?'
  let cursor: string | null = null
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
    const page: Page<T> = await authed(`${path}${sep}limit=${limit}${q}`)
    out.push(...page.items)
    cursor = page.next_cursor
  } while (cursor)
  return out
}

/** Every site the user may read. */
export const allSites = (): Promise<SiteOut[]> => allPages<SiteOut>('/sites', 200)

/** A workflow action, as the phone sends it: the body, an Idempotency-Key (a retry after a lost answer
 *  is the same request) and If-Match with the version the desk user saw (a change by someone else
 *  meanwhile is refused, never overwritten). */
export function act(hazardId: number, action: string, body: Record<string, unknown>,
  opts: { key?: string; version?: number } = {}): Promise<HazardDetailOut> {
  const headers: Record<string, string> = { 'Idempotency-Key': opts.key ?? uuid() }
  if (opts.version !== undefined) headers['If-Match'] = `"${opts.version}"`
  return authed(`/hazards/${hazardId}/actions/${action}`, { method: 'POST', body, headers })
}

export function uploadPhoto(file: File): Promise<PhotoOut> {
  const form = new FormData()
  form.append('file', file, file.name)
  form.append('client_id', uuid())
  return authed('/photos', { method: 'POST', form, timeoutMs: 120000 })
}

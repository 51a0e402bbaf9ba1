/** The Sites screen's calls (online, as the rest of the console; errors are the client's ApiError /
 *  NetworkError carrying the server's message). */
import { request } from '../../api/client'
import type { components } from '../../api/schema'
import type { SiteOut } from '../../api/types'
import { session } from '../../lib/session'
import { labelParams } from './siteQuery'

type S = components['schemas']
export type SiteIn = S['SiteIn']
export type SitePatch = S['SitePatch']
export type SiteLabel = S['SiteLabelOut']
export type SitePage = S['CountedPage_SiteOut_']

export const listSites = (params: URLSearchParams): Promise<SitePage> =>
  request(`/sites?${params.toString()}`, { token: session.token })
export const createSite = (body: SiteIn): Promise<SiteOut> =>
  request('/sites', { method: 'POST', body, token: session.token })
export const updateSite = (siteId: number, body: SitePatch): Promise<SiteOut> =>
  request(`/sites/${siteId}`, { method: 'PATCH', body, token: session.token })
export const siteLabels = (siteIds: readonly number[]): Promise<SiteLabel[]> =>
  request(`/sites/labels?${labelParams(siteIds).toString()}`, { token: session.token })
/** GET /sites/labels.pdf's path (under /api/v1), for `download` */
export const labelsPdfPath = (siteIds: readonly number[]): string => `/sites/labels.pdf?${labelParams(siteIds).toString()}`

/** The ids of every site the filters match (`params` without cursor), following the API's pages, at
 *  most `cap` of them (more than a sheet takes is refused before printing anyway). */
export async function matchingSiteIds(params: URLSearchParams, cap: number): Promise<number[]> {
  const ids: number[] = []
  let cursor: string | null = null
  do {
    const p = new URLSearchParams(params)
    p.set('limit', '200')
    if (cursor) p.set('cursor', cursor)
    const page: SitePage = await listSites(p)
    ids.push(...page.items.map((s) => s.id))
    cursor = page.next_cursor
  } while (cursor && ids.length <= cap)
  return ids
}

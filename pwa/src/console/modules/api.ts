/** 巡检模块's calls (online, as the rest of the console). */
import { request } from '../../api/client'
import type { ModuleSummary, ModuleVersionOut, Page } from '../../api/types'
import { session } from '../../lib/session'
import type { ContentIn } from './draft'

const authed = <T>(path: string, opts: Parameters<typeof request>[1] = {}): Promise<T> => request<T>(path, { token: session.token, ...opts })

/** Every module, retired ones too (about 50: filtered on the desk, at once). */
export async function allModules(): Promise<ModuleSummary[]> {
  const out: ModuleSummary[] = []
  let cursor: string | null = null
  do {
    const q: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
    const page: Page<ModuleSummary> = await authed(`/modules?include_inactive=true&limit=100${q}`)
    out.push(...page.items)
    cursor = page.next_cursor
  } while (cursor)
  return out
}

export const moduleVersions = (id: number): Promise<ModuleVersionOut[]> => authed(`/modules/${id}/versions`)
export const latestVersion = (id: number): Promise<ModuleVersionOut> => authed(`/modules/${id}`)

/** Publish a new version, based on the one the editor started from: one published meanwhile is a 412. */
export const publishVersion = (id: number, content: ContentIn, baseVersion: number): Promise<ModuleVersionOut> =>
  authed(`/modules/${id}/versions`, { method: 'POST', body: content, headers: { 'If-Match': `"${baseVersion}"` } })

/** What the plans and campaigns screens look names up in, asked once per signed-in user while the
 *  console is open (the answers are scoped to the user: another user signing in on this desk asks
 *  again): the centers, the sites, the modules, a center's people (plans name inspectors by id, 回执
 *  their submitter). A failed ask is forgotten, so the next one asks again. */
import type { CenterOut, MemberOut, ModuleSummary, SiteOut } from '../api/types'
import { session } from '../lib/session'
import { allPages, allSites, centers, members } from './api'

const asked = new Map<string, Promise<unknown>>()

function once<T>(key: string, ask: () => Promise<T[]>): Promise<T[]> {
  const mine = `${session.user?.id ?? 0}:${key}`
  let answer = asked.get(mine) as Promise<T[]> | undefined
  if (!answer) {
    answer = ask().catch((err: unknown) => {
      console.warn(`${key} unavailable`, err)
      asked.delete(mine)
      return []
    })
    asked.set(mine, answer)
  }
  return answer
}

export const centersOnce = (): Promise<CenterOut[]> => once('centers', centers)
export const sitesOnce = (): Promise<SiteOut[]> => once('sites', allSites)
/** every active module */
export const modulesOnce = (): Promise<ModuleSummary[]> => once('modules', () => allPages<ModuleSummary>('/modules', 100))
export const membersOf = (centerId: number): Promise<MemberOut[]> => once(`members:${centerId}`, () => members(centerId))

/** The names of the people of these centers, by id. */
export async function namesOf(centerIds: Iterable<number>): Promise<Map<number, string>> {
  const lists = await Promise.all([...new Set(centerIds)].map(membersOf))
  return new Map(lists.flat().map((m) => [m.id, m.display_name]))
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err))

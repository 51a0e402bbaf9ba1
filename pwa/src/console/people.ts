/** A center's people (GET /centers/{id}/members), asked once per center while the console is open:
 *  plans name their inspectors by id, 回执 their submitter. A failed ask is forgotten (asked again). */
import type { MemberOut } from '../api/types'
import { members } from './api'

const asked = new Map<number, Promise<MemberOut[]>>()

export function membersOf(centerId: number): Promise<MemberOut[]> {
  let answer = asked.get(centerId)
  if (!answer) {
    answer = members(centerId).catch((err: unknown) => {
      console.warn(`members of center ${centerId} unavailable`, err)
      asked.delete(centerId)
      return []
    })
    asked.set(centerId, answer)
  }
  return answer
}

/** The names of the people of these centers, by id. */
export async function namesOf(centerIds: Iterable<number>): Promise<Map<number, string>> {
  const lists = await Promise.all([...new Set(centerIds)].map(membersOf))
  return new Map(lists.flat().map((m) => [m.id, m.display_name]))
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err))

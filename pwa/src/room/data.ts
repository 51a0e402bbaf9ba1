import { request } from '../api/client'
import type { CenterOut, EvaluationOut, HazardOut, Page, TrainingOut } from '../api/types'
import { escalatedHazards, type EscalationOut } from '../lib/campaigns'
import type { OverviewOut } from './overview'
import { session } from '../lib/session'

/** What the control room and the monthly report read, straight from the API (a wall screen keeps
 *  its last figures in memory; it has no offline copy to show). */

const get = <T>(path: string): Promise<T> => request<T>(path, { token: session.token })

export function overview(period: { from?: string; to?: string } = {}): Promise<OverviewOut> {
  const q = new URLSearchParams()
  if (period.from) q.set('from', period.from)
  if (period.to) q.set('to', period.to)
  const qs = q.toString()
  return get<OverviewOut>(`/stats/overview${qs ? `?${qs}` : ''}`)
}

/** Open hazards past their deadline, the longest overdue first. */
export async function overdueHazards(limit = 200): Promise<HazardOut[]> {
  return (await get<Page<HazardOut>>(`/hazards?overdue=true&sort=deadline&limit=${limit}`)).items
}

export interface Escalated { escalation: EscalationOut; hazard: HazardOut }

/** The escalated hazards still overdue now, at the highest level each reached, 质监办's first. */
export async function escalatedOverdue(overdue: readonly HazardOut[]): Promise<Escalated[]> {
  const byId = new Map(overdue.map((h) => [h.id, h]))
  const rows = escalatedHazards((await get<Page<EscalationOut>>('/escalations?limit=200')).items)
  return rows.flatMap((e) => {
    const hazard = byId.get(e.object_id)
    return hazard ? [{ escalation: e, hazard }] : []
  }).sort((a, b) => b.escalation.level - a.escalation.level || b.hazard.overdue_days - a.hazard.overdue_days)
}

/** Open major hazards under 挂牌督办 (the list has no filter for it: at most a few dozen open
 *  major hazards exist in a group), the soonest deadline first. */
export async function supervisedMajors(): Promise<HazardOut[]> {
  const page = await get<Page<HazardOut>>('/hazards?grade=major&status=reported&status=assigned&status=submitted&sort=deadline&limit=200')
  return page.items.filter((h) => h.supervision !== null)
}

/** The newest hazards reported (the live feed's first lines, before any event arrives). */
export async function newestHazards(limit: number): Promise<HazardOut[]> {
  return (await get<Page<HazardOut>>(`/hazards?limit=${limit}`)).items
}

export async function hazard(id: number): Promise<HazardOut> {
  return get<HazardOut>(`/hazards/${id}`)
}

export async function centerNames(): Promise<Map<number, string>> {
  return new Map((await get<CenterOut[]>('/centers')).map((c) => [c.id, c.name]))
}

/** The trainings and drills held between `from` and `to` (the list is newest first: read pages
 *  until one reaches before `from`). */
export async function trainings(from: string, to: string): Promise<TrainingOut[]> {
  const out: TrainingOut[] = []
  let cursor: string | null = null
  for (;;) {
    const page: Page<TrainingOut> = await get<Page<TrainingOut>>(`/trainings?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    out.push(...page.items.filter((r) => r.held_on >= from && r.held_on <= to))
    cursor = page.next_cursor
    const last = page.items[page.items.length - 1]
    if (!cursor || !last || last.held_on < from) return out.sort((a, b) => a.held_on.localeCompare(b.held_on))
  }
}

/** The centers' evaluation (考核) over the period, best first. */
export function evaluation(from: string, to: string): Promise<EvaluationOut> {
  return get<EvaluationOut>(`/evaluation?from=${from}&to=${to}`)
}

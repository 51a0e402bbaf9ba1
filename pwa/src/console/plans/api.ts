/** The plans screen's calls (backend/plans/router.py). */
import type { Page } from '../../api/types'
import { authed } from '../api'
import type { InspectorCoverageOut, Period, SiteCoverageOut } from './coverage'
import type { FromTemplateIn, PlanIn, PlanOut, PlanPatchIn, TemplateOut } from './plans'

export const listPlans = (params: URLSearchParams): Promise<Page<PlanOut>> => authed(`/plans?${params.toString()}`)
export const readPlan = (id: number): Promise<PlanOut> => authed(`/plans/${id}`)
export const planTemplates = (): Promise<TemplateOut[]> => authed('/plans/templates')
export const createPlan = (body: PlanIn): Promise<PlanOut> => authed('/plans', { method: 'POST', body })
export const createFromTemplate = (body: FromTemplateIn): Promise<PlanOut[]> =>
  authed('/plans/from-template', { method: 'POST', body })

/** A change to the plan as the desk user saw it (If-Match): a change by someone else meanwhile is
 *  refused (412), never overwritten. */
export const updatePlan = (id: number, body: PlanPatchIn, version: number): Promise<PlanOut> =>
  authed(`/plans/${id}`, { method: 'PATCH', body, headers: { 'If-Match': `"${version}"` } })

function coverageQuery(period: Period, centerId: number | null): string {
  const q = new URLSearchParams({ from: period.from, to: period.to })
  if (centerId !== null) q.set('center_id', String(centerId))
  return q.toString()
}
export const siteCoverage = (period: Period, centerId: number | null): Promise<SiteCoverageOut[]> =>
  authed(`/tasks/coverage/sites?${coverageQuery(period, centerId)}`)
export const inspectorCoverage = (period: Period, centerId: number | null): Promise<InspectorCoverageOut[]> =>
  authed(`/tasks/coverage/inspectors?${coverageQuery(period, centerId)}`)

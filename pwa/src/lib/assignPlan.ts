/** The assign form's plan (五定, or 六定 with the 复查人): what is missing or wrong before it is sent,
 *  and the body the server takes (tests/assignPlan.test.ts). */
import { t } from './i18n'

export interface AssignPlan {
  assignee_id: number
  rechecker_id: number
  measures: string
  cost_estimate: string
  deadline: string
  interim_measures: string
}

/** One field of the plan changed in the form (AssignForm emits it; the page applies it). */
export type PlanChange = { [K in keyof AssignPlan]: { field: K; value: AssignPlan[K] } }[keyof AssignPlan]

/** Apply a change to the page's plan, in place, and drop that field's error (the user answered it). */
export function applyPlanChange(plan: AssignPlan, errors: Record<string, string>, change: PlanChange): void {
  Object.assign(plan, { [change.field]: change.value })
  delete errors[change.field]
}

/** Field -> message for the fields the server requires (`required`: GET /me's plan_required) that
 *  are empty, a deadline before `today` (YYYY-MM-DD) and a cost that is not an amount >= 0. */
export function planErrors(plan: AssignPlan, required: ReadonlySet<string>, today: string): Record<string, string> {
  const filled: Record<string, boolean> = {
    assignee_id: plan.assignee_id > 0, rechecker_id: plan.rechecker_id > 0, measures: plan.measures.trim() !== '',
    cost_estimate: plan.cost_estimate.trim() !== '', deadline: plan.deadline !== '', interim_measures: plan.interim_measures.trim() !== '',
  }
  const out: Record<string, string> = {}
  for (const field of required) if (filled[field] === false) out[field] = t('form.required')
  if (plan.deadline && plan.deadline < today) out.deadline = t('form.pastDeadline')
  const cost = Number(plan.cost_estimate)
  if (filled.cost_estimate && (Number.isNaN(cost) || cost < 0)) out.cost_estimate = t('form.badCost')
  return out
}

/** The assign action's body: what was filled in, trimmed; nothing for an empty field. */
export function planBody(plan: AssignPlan): Record<string, unknown> {
  const body: Record<string, unknown> = {
    assignee_id: plan.assignee_id || undefined, rechecker_id: plan.rechecker_id || undefined,
    measures: plan.measures.trim() || undefined, cost_estimate: plan.cost_estimate.trim() || undefined,
    deadline: plan.deadline || undefined, interim_measures: plan.interim_measures.trim() || undefined,
  }
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined))
}

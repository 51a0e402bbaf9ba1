/** The assign form's plan (五定, or 六定 with the 复查人): what is missing or wrong before it is sent,
 *  and the body the server takes (tests/assignPlan.test.ts). */
import { isoDay } from './format'
import { t, type MessageKey } from './i18n'

export interface AssignPlan {
  assignee_id: number
  rechecker_id: number
  measures: string
  cost_estimate: string
  deadline: string
  interim_measures: string
  /** 治理方案 (a major hazard's): sent nested as `governance_plan` */
  objective: string
  methods: string
  funding: string
  organization: string
  time_limit: string
  safety_measures: string
  emergency_plan: string
}

/** The 治理方案 fields in the server's order (GovernancePlanIn). */
export const GOVERNANCE_FIELDS = ['objective', 'methods', 'funding', 'organization', 'time_limit', 'safety_measures', 'emergency_plan'] as const
export type GovernanceField = (typeof GOVERNANCE_FIELDS)[number]
/** The short plan fields a 治理方案 takes the place of (backend COVERED_BY_GOVERNANCE_PLAN). */
const COVERED = new Set(['measures', 'cost_estimate', 'interim_measures'])
/** An empty plan: the page's starting form. */
export const EMPTY_PLAN: AssignPlan = {
  assignee_id: 0, rechecker_id: 0, measures: '', cost_estimate: '', deadline: '', interim_measures: '',
  objective: '', methods: '', funding: '', organization: '', time_limit: '', safety_measures: '', emergency_plan: '',
}

/** GET /me's capabilities as far as the plan goes (the governance keys are absent in an older cache). */
export interface PlanCapabilities { plan_required: string[]; major_plan_required?: string[]; governance_plan_required?: string[] }

/** What this hazard's assignment asks for: `governance` (a 治理方案 instead of measures, cost and interim
 *  measures: a major hazard, unless the server says it is not required; a cache without the key: required)
 *  and the fields that must be filled. `time_limit` is never required: the server takes the deadline. */
export function assignRules(caps: PlanCapabilities | null, grade: string | undefined): { governance: boolean; required: Set<string> } {
  const short = caps?.plan_required ?? []
  const plan = caps?.governance_plan_required ?? [...GOVERNANCE_FIELDS]
  if (grade !== 'major' || plan.length === 0) return { governance: false, required: new Set(short) }
  const majorShort = caps?.major_plan_required ?? short.filter((f) => !COVERED.has(f))
  return { governance: true, required: new Set([...majorShort, ...plan.filter((f) => f !== 'time_limit')]) }
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
  const filled = (field: keyof AssignPlan): boolean => {
    const v = plan[field]
    return typeof v === 'number' ? v > 0 : v.trim() !== ''
  }
  const out: Record<string, string> = {}
  for (const field of required) if (field in plan && !filled(field as keyof AssignPlan)) out[field] = t('form.required')
  if (plan.deadline && plan.deadline < today) out.deadline = t('form.pastDeadline')
  const cost = Number(plan.cost_estimate)
  if (filled('cost_estimate') && (Number.isNaN(cost) || cost < 0)) out.cost_estimate = t('form.badCost')
  return out
}

/** The assign action's body: what was filled in, trimmed; nothing for an empty field. With `governance`
 *  the 治理方案 goes as `governance_plan` in place of measures, cost and interim measures. */
export function planBody(plan: AssignPlan, governance = false): Record<string, unknown> {
  const filledOnly = (o: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))
  const text = (v: string): string | undefined => v.trim() || undefined
  const body: Record<string, unknown> = {
    assignee_id: plan.assignee_id || undefined, rechecker_id: plan.rechecker_id || undefined, deadline: plan.deadline || undefined,
  }
  if (governance) body.governance_plan = filledOnly(Object.fromEntries(GOVERNANCE_FIELDS.map((f) => [f, text(plan[f])])))
  else Object.assign(body, { measures: text(plan.measures), cost_estimate: text(plan.cost_estimate), interim_measures: text(plan.interim_measures) })
  return filledOnly(body)
}

/** The server's refusal as inline errors: the fields a 422 `plan_incomplete` / `governance_plan_required`
 *  names as missing (details.missing). */
export function serverPlanErrors(error: { code: string; details?: Record<string, unknown> | null }): Record<string, string> {
  const out: Record<string, string> = {}
  const missing = error.details?.missing
  if ((error.code === 'plan_incomplete' || error.code === 'governance_plan_required') && Array.isArray(missing)) {
    for (const f of missing) if (typeof f === 'string' && f in EMPTY_PLAN) out[f] = t('form.required')
  }
  return out
}

/** The deadline shortcuts of the assign forms (phone and desk): in 3, 7 or 30 days. */
export const DEADLINE_CHIPS = [3, 7, 30] as const
export const inDays = (n: number): string => isoDay(new Date(Date.now() + n * 864e5))

/** The plan's free-text fields: a 治理方案's seven, or the measures (cost and interim measures follow). */
export const planTextFields = (governance: boolean): readonly ('measures' | GovernanceField)[] => (governance ? GOVERNANCE_FIELDS : ['measures'])
export const planFieldLabel = (f: 'measures' | GovernanceField): string => (f === 'measures' ? t('hazard.measures') : t(`plan.${f}` as MessageKey))

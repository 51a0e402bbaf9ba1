/** The console's action forms: what each workflow action sends, built with the phone's own rules
 *  (lib/assignPlan for 五定 and the 治理方案, lib/majorForms for 挂牌督办, 上报 and the 销号 evidence),
 *  so a desk and a phone can never disagree about what an action needs. tests/console.test.ts */
import type { HazardDetailOut } from '../api/types'
import { EMPTY_PLAN, planBody, planErrors, type AssignPlan } from '../lib/assignPlan'
import { t } from '../lib/i18n'
import { emptyMajorForm, majorBody, type MajorForm } from '../lib/majorForms'

export interface ActionForm {
  plan: AssignPlan
  title: string
  description: string
  reason: string
  comment: string
  /** request_extension's new deadline */
  deadline: string
  /** uploaded photos (POST /photos): a rectification's after-photos, a 销号's evidence */
  photoIds: number[]
  major: MajorForm
}

type H = Pick<HazardDetailOut, 'grade' | 'title' | 'description' | 'requirement'>

/** A form opened for `action`: an edit starts from what the report says, an assignment from the
 *  failed item's usual fix (整改建议), as on the phone. */
export function newActionForm(h: H, action: string): ActionForm {
  const advice = h.requirement?.advice ?? ''
  return {
    plan: { ...EMPTY_PLAN, measures: advice, methods: advice }, title: h.title,
    description: action === 'edit' ? h.description ?? '' : '', reason: '', comment: '', deadline: '', photoIds: [],
    major: emptyMajorForm(),
  }
}

/** a major hazard's verify is its 销号: the opinion, the documents and evidence photos */
export const isMajorClosure = (action: string, h: Pick<H, 'grade'>): boolean => action === 'verify' && h.grade === 'major'

export interface Built { body: Record<string, unknown> | null; errors: Record<string, string> }

/** The body `action` sends, or the errors to show at the form's fields. `plan`: assignRules' answer. */
export function actionBody(action: string, f: ActionForm, h: Pick<H, 'grade'>,
  plan: { governance: boolean; required: ReadonlySet<string> }, today: string): Built {
  const need = (v: string): boolean => v.trim().length > 0
  const required = t('form.required')
  const check = (errors: Record<string, string>, body: () => Record<string, unknown>): Built =>
    (Object.keys(errors).length ? { body: null, errors } : { body: body(), errors })
  if (action === 'supervise' || action === 'report_upward') return majorBody(action, f.major, today)
  if (isMajorClosure(action, h)) {
    const r = majorBody('verify', { ...f.major, evidence: f.photoIds.map(String) }, today)
    return r.body ? { body: { ...r.body, photo_ids: f.photoIds }, errors: r.errors } : r
  }
  switch (action) {
    case 'assign':
      return check(planErrors(f.plan, plan.required, today), () => planBody(f.plan, plan.governance))
    case 'edit':
      return check(need(f.title) ? {} : { title: required },
        () => ({ title: f.title.trim(), description: f.description.trim() || null }))
    case 'submit':
      return check({ ...(need(f.description) ? {} : { description: required }), ...(f.photoIds.length ? {} : { photos: required }) },
        () => ({ description: f.description.trim(), photo_ids: f.photoIds }))
    case 'reject': case 'cancel': case 'reopen':
      return check(need(f.reason) ? {} : { reason: required }, () => ({ reason: f.reason.trim() }))
    case 'request_extension':
      return check({ ...(f.deadline ? {} : { deadline: required }), ...(need(f.reason) ? {} : { reason: required }) },
        () => ({ deadline: f.deadline, reason: f.reason.trim() }))
    default: // verify (general), approve_extension, deny_extension: an optional comment
      return { body: f.comment.trim() ? { comment: f.comment.trim() } : {}, errors: {} }
  }
}

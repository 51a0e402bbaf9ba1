import { describe, expect, it } from 'vitest'
import { applyPlanChange, assignRules, EMPTY_PLAN, planBody, planErrors, serverPlanErrors, type AssignPlan } from '../src/lib/assignPlan'

const empty: AssignPlan = { ...EMPTY_PLAN }
const FIVE = new Set(['assignee_id', 'measures', 'cost_estimate', 'deadline', 'interim_measures'])

describe('the assign plan', () => {
  it('names each required field that is empty (六定 adds the rechecker)', () => {
    expect(Object.keys(planErrors(empty, FIVE, '2030-01-10')).sort()).toEqual([...FIVE].sort())
    expect(planErrors(empty, new Set([...FIVE, 'rechecker_id']), '2030-01-10')).toHaveProperty('rechecker_id')
    expect(planErrors({ ...empty, measures: '   ' }, new Set(['measures']), '2030-01-10')).toHaveProperty('measures')
  })

  it('refuses a past deadline and a negative or unreadable cost, also when not required', () => {
    const errors = planErrors({ ...empty, deadline: '2030-01-09', cost_estimate: '-1' }, new Set(), '2030-01-10')
    expect(Object.keys(errors).sort()).toEqual(['cost_estimate', 'deadline'])
    expect(planErrors({ ...empty, deadline: '2030-01-10', cost_estimate: '0' }, new Set(), '2030-01-10')).toEqual({})
    expect(planErrors({ ...empty, cost_estimate: 'abc' }, new Set(), '2030-01-10')).toHaveProperty('cost_estimate')
  })

  it('sends what was filled in, trimmed, and leaves out the empty fields', () => {
    const plan = { ...empty, assignee_id: 5, measures: ' 立即更换煎炸油 ', deadline: '2030-01-17' }
    expect(planBody(plan)).toEqual({ assignee_id: 5, measures: '立即更换煎炸油', deadline: '2030-01-17' })
  })
  it('takes a change the form emits (AssignForm no longer writes the page\'s plan): the field, and its error goes', () => {
    const plan = { ...empty }
    const errors: Record<string, string> = { assignee_id: '必填', deadline: '必填' }
    applyPlanChange(plan, errors, { field: 'assignee_id', value: 7 })
    applyPlanChange(plan, errors, { field: 'measures', value: '立即更换' })
    expect(plan).toEqual({ ...empty, assignee_id: 7, measures: '立即更换' })
    expect(errors).toEqual({ deadline: '必填' })
  })

  it('asks a major hazard for the 治理方案 instead of measures, cost and interim measures (time_limit: the deadline)', () => {
    const caps = { plan_required: [...FIVE], major_plan_required: ['assignee_id', 'deadline'],
      governance_plan_required: ['objective', 'methods', 'funding', 'organization', 'time_limit', 'safety_measures', 'emergency_plan'] }
    const major = assignRules(caps, 'major')
    expect(major.governance).toBe(true)
    expect([...major.required].sort()).toEqual(['assignee_id', 'deadline', 'emergency_plan', 'funding', 'methods', 'objective',
      'organization', 'safety_measures'])
    expect(assignRules(caps, 'general')).toEqual({ governance: false, required: FIVE })
    expect(assignRules({ ...caps, governance_plan_required: [] }, 'major')).toEqual({ governance: false, required: FIVE })
    // a cached /me from before the 治理方案: required, the covered short fields dropped
    expect(assignRules({ plan_required: [...FIVE] }, 'major')).toEqual(major)
    expect(Object.keys(planErrors(empty, major.required, '2030-01-10'))).toContain('methods')
  })

  it('sends the 治理方案 as governance_plan, trimmed, without measures, cost or interim measures', () => {
    const plan = { ...empty, assignee_id: 5, deadline: '2030-01-17', measures: '旧', cost_estimate: '1', methods: ' 停用检修 ', objective: '消除隐患' }
    expect(planBody(plan, true)).toEqual({ assignee_id: 5, deadline: '2030-01-17', governance_plan: { objective: '消除隐患', methods: '停用检修' } })
  })

  it('shows the fields the server names missing (422) next to them', () => {
    const errors = serverPlanErrors({ code: 'governance_plan_required', details: { missing: ['funding', 'emergency_plan', 'bogus'] } })
    expect(Object.keys(errors).sort()).toEqual(['emergency_plan', 'funding'])
    expect(serverPlanErrors({ code: 'plan_incomplete', details: { missing: ['deadline'] } })).toHaveProperty('deadline')
    expect(serverPlanErrors({ code: 'hazard_conflict', details: null })).toEqual({})
  })
})

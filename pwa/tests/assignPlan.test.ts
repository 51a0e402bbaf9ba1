import { describe, expect, it } from 'vitest'
import { applyPlanChange, planBody, planErrors, type AssignPlan } from '../src/lib/assignPlan'

const empty: AssignPlan = { assignee_id: 0, rechecker_id: 0, measures: '', cost_estimate: '', deadline: '', interim_measures: '' }
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
})

// The phone's checklist rules against the cases the server is tested with
// (tests/rules/test_checklist_cases.py runs the same file through backend/inspections/rules.py).
import { describe, expect, it } from 'vitest'
import cases from '../../tests/rules/checklist_cases.json'
import { answerResult, limitText, needsJudgement, problems, type RuleAnswer, type RuleItem, type RuleSite } from '../src/lib/rules'

interface Case { name: string; item: RuleItem; site?: RuleSite; answer: RuleAnswer | null; result: string | null; problems: string[] }

describe('checklist rules (shared cases)', () => {
  it.each((cases.cases as Case[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(c.answer ? answerResult(c.item, c.answer, c.site) : null).toBe(c.result)
    expect(problems(c.item, c.answer, c.site)).toEqual(c.problems)
  })
})

describe('limits as people write them', () => {
  it.each([
    [{ kind: 'number', min_value: 70, unit: '℃' }, '≥ 70 ℃'],
    [{ kind: 'number', max_value: 4, unit: '℃' }, '≤ 4 ℃'],
    [{ kind: 'number', min_value: 2, max_value: 8, unit: '℃' }, '2–8 ℃'],
    [{ kind: 'number', min_value: 0.1, max_value: null, unit: null }, '≥ 0.1'],
    [{ kind: 'number', min_value: null, max_value: null, unit: 'MPa' }, ''],
  ] as [RuleItem, string][])('%j → %s', (item, text) => {
    expect(limitText(item)).toBe(text)
  })

  it('shows the limit that applies at the site', () => {
    const rail: RuleItem = { kind: 'number', min_value: 1.05, unit: 'm', limits_from_height: { height_m: 24, min: 1.1 } }
    expect(limitText(rail, { building_height_m: 19.8 })).toBe('≥ 1.05 m')
    expect(limitText(rail, { building_height_m: 33.6 })).toBe('≥ 1.1 m')
    expect(limitText(rail, null)).toBe('≥ 1.1 m')
  })

  it('asks for a judgement only where the value or the text does not answer the item', () => {
    expect((['pass_fail', 'number', 'text', 'photo'] as const).filter((kind) => needsJudgement({ kind }))).toEqual(['pass_fail', 'photo'])
  })
})

import { describe, expect, it } from 'vitest'
import type { LocalAnswer } from '../src/lib/db'
import type { RuleItem } from '../src/lib/rules'
import { heightNote, rejudged } from '../src/lib/siteJudgement'

type Item = RuleItem & { id: number }
const railing: Item = { id: 1, kind: 'number', min_value: 1.05, unit: 'm', limits_from_height: { height_m: 24, min: 1.1 } }
const temperature: Item = { id: 2, kind: 'number', min_value: 70, unit: '℃' }
const exit: Item = { id: 3, kind: 'pass_fail', major_if_failed: true }

const answer = (item: Item, patch: Partial<LocalAnswer>): LocalAnswer => ({ item_id: item.id, result: null, photos: [], ...patch })

describe('readings judged again at the site', () => {
  it('a railing reading typed before the height was known passes at a 19.8 m building', () => {
    // no site yet: the stricter 1.10 m applied and 1.07 failed
    const answers = { 1: answer(railing, { value: 1.07, result: 'fail' }) }
    expect(rejudged([railing], answers, { building_height_m: 19.8 })).toEqual([[railing, { result: 'pass' }]])
  })

  it('and fails again when the server says the building is 33.6 m', () => {
    const answers = { 1: answer(railing, { value: 1.07, result: 'pass' }) }
    expect(rejudged([railing], answers, { building_height_m: 33.6 })).toEqual([[railing, { result: 'fail' }]])
  })

  it('leaves alone what the height does not change: right results, 不适用, no reading, other kinds', () => {
    const answers = {
      1: answer(railing, { value: 1.2, result: 'pass' }),
      2: answer(temperature, { value: 60, result: 'fail' }),
      3: answer(exit, { result: 'fail' }),
    }
    expect(rejudged([railing, temperature, exit], answers, { building_height_m: 33.6 })).toEqual([])
    expect(rejudged([railing], { 1: answer(railing, { result: 'na' }) }, { building_height_m: 19.8 })).toEqual([])
    expect(rejudged([railing], { 1: answer(railing, { value: null, result: null }) }, { building_height_m: 19.8 })).toEqual([])
    expect(rejudged([railing], {}, { building_height_m: 19.8 })).toEqual([])
  })
})

describe('the building height the checklist mentions', () => {
  it('only where a limit depends on it', () => {
    expect(heightNote([temperature, exit], { building_height_m: 33.6 })).toBeNull()
    expect(heightNote([railing, exit], { building_height_m: 33.6 })).toBe(33.6)
  })

  it('says it is unknown when the site has none recorded or is not on the phone', () => {
    expect(heightNote([railing], { building_height_m: null })).toBe('unknown')
    expect(heightNote([railing], null)).toBe('unknown')
  })
})

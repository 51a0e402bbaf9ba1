import { describe, expect, it } from 'vitest'
import type { LocalAnswer } from '../src/lib/db'
import { passRest } from '../src/lib/passRest'
import { problems, type RuleItem } from '../src/lib/rules'

const item = (id: number, kind: RuleItem['kind'], extra: Partial<RuleItem> = {}): RuleItem & { id: number } =>
  ({ id, kind, ...extra })
const answer = (item_id: number, a: Partial<LocalAnswer>): LocalAnswer => ({ item_id, result: null, photos: [], ...a })

const items = [
  item(1, 'pass_fail'), item(2, 'pass_fail'), item(3, 'number', { min_value: 70, unit: '℃' }), item(4, 'text'),
  item(5, 'photo'), item(6, 'photo'), item(7, 'pass_fail'), item(8, 'pass_fail'),
]

describe('其余全部合格', () => {
  it('marks only the unanswered items that need a judgement; numbers and texts stay open', () => {
    const answers = {
      1: answer(1, { result: 'fail', note: '压力不足' }),
      6: answer(6, { photos: ['p'] }), // a photo taken, not yet judged: still unanswered
      7: answer(7, { result: 'na' }),
      8: answer(8, { note: '只写了备注' }),
    }
    const r = passRest(items, answers)
    expect(r.pass.map((i) => i.id)).toEqual([2, 5, 6, 8])
    expect(r.needPhoto.map((i) => i.id)).toEqual([5])
    expect(r.stillOpen.map((i) => i.id)).toEqual([3, 4])
  })

  it('leaves a number with its reading and a text with its text alone (they are answered)', () => {
    const answers = { 3: answer(3, { value: 72, result: 'pass' }), 4: answer(4, { text: '正常', result: 'pass' }) }
    expect(passRest(items, answers).stillOpen).toEqual([])
  })

  it('has nothing to do on a finished checklist', () => {
    const answers = Object.fromEntries(items.map((i) => [i.id, answer(i.id, { result: 'na' })]))
    expect(passRest(items, answers)).toEqual({ pass: [], needPhoto: [], stillOpen: [] })
  })

  it('a photo item it passed is still refused without a photo (the submit lists it)', () => {
    const r = passRest(items, {})
    const photoItem = r.needPhoto[0] as RuleItem
    expect(problems(photoItem, { result: 'pass', photos: 0 })).toEqual(['photo_required'])
    expect(r.pass.filter((i) => i.kind === 'pass_fail').every((i) => problems(i, { result: 'pass', photos: 0 }).length === 0)).toBe(true)
  })
})

import { describe, expect, it } from 'vitest'
import type { ItemOut, ModuleVersionOut } from '../src/api/types'
import { addItem, changeCount, contentOf, draftFrom, move, previewItems, refusals, setRetired, versionChanges } from '../src/console/modules/draft'

const item = (code: string, position: number, extra: Partial<ItemOut> = {}): ItemOut => ({
  id: position, position, code, text: `检查 ${code}`, kind: 'pass_fail', photo_required_on_fail: true, category: 'gas',
  default_grade: 'general', major_if_failed: false, standard: null, min_value: null, max_value: null, unit: null,
  limits_from_height: null, only_if_site: null, method: null, advice: null, rule: null, major_basis: null, ...extra,
})
const version = (n: number, items: ItemOut[]): ModuleVersionOut => ({
  id: 7, module_id: 7, version_id: 70 + n, code: 'gas', category: 'gas', version: n, latest_version: n, name: '燃气', description: null,
  standards: [], site_kinds: ['canteen'], from_catalogue: false, created_by_id: null, created_by_name: null, created_at: '2026-12-01T00:00:00Z', items,
})
const v1 = version(1, [item('a', 1), item('b', 2), item('c', 3)])

describe('the module editor draft', () => {
  it('counts nothing until something changes, and sends the items in use in order', () => {
    const d = draftFrom(v1)
    expect(changeCount(d, v1)).toBe(0)
    move(d, 'c', 0)
    setRetired(d, 'b', true)
    const added = addItem(d, 'gas')
    added.fields.text = ' 通风良好 '
    expect(contentOf(d).items.map((i) => i.code)).toEqual(['c', 'a', 'item-4'])
    expect(contentOf(d).items[2]!.text).toBe('通风良好')
    expect(changeCount(d, v1)).toBe(3)  // the order, one retired, one added
    expect(previewItems(d).map((i) => i.position)).toEqual([1, 2, 3])
    setRetired(d, 'b', false)
    setRetired(d, added.key, true)  // an added item retired is simply gone
    expect(d.items.map((i) => i.key)).toEqual(['c', 'a', 'b'])
  })

  it('makes a directly major item major, and drops the limits of a non-number item', () => {
    const d = draftFrom(v1)
    d.items[0]!.fields = { ...d.items[0]!.fields, major_if_failed: true, major_basis: '集团规定', min: 3 }
    const [first] = contentOf(d).items
    expect(first).toMatchObject({ default_grade: 'major', major_basis: '集团规定', min: null })
  })

  it('describes a version against the one before it, and places a refusal on its item', () => {
    const v2 = version(2, [item('a', 1, { text: '改' }), item('c', 2), item('d', 3)])
    expect(versionChanges(v1, v2)).toEqual({ first: false, added: 1, retired: 1, changed: 1, moved: false, meta: false })
    expect(refusals({ errors: [{ loc: ['body', 'items', '3'], msg: '数值项须填写单位' }, { loc: ['body', 'name'], msg: 'too short' }] }))
      .toEqual([{ item: 3, field: '', msg: '数值项须填写单位' }, { item: null, field: 'name', msg: 'too short' }])
  })
})

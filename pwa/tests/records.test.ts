import { describe, expect, it } from 'vitest'
import { menuFor } from '../src/console/menu'
import { bodyOf, missing, valuesOf, type Field } from '../src/console/records/fields'
import { submitsTables, tabsFor, writesCenter } from '../src/console/records/rights'

describe('records rights (as the server decides them)', () => {
  it('shows the records menu to the roles that read records, not to an administrator', () => {
    const has = (roles: string[]) => menuFor({ roles, centerId: 1, groupViews: false, campaigns: { all_centers: false, dispatch: false, submit_receipt: false } }).some((m) => m.path === '/console/records')
    expect([has(['inspector']), has(['center_manager']), has(['qa_officer']), has(['leader']), has(['admin'])])
      .toEqual([true, true, true, true, false])
  })
  it('gives inspectors the tables, managers and above the notices and the evaluation', () => {
    expect(tabsFor({ roles: ['inspector'], centerId: 1 })).toEqual(['status', 'table1', 'table2', 'table3', 'trainings'])
    expect(tabsFor({ roles: ['center_manager'], centerId: 1 })).toContain('evaluation')
  })
  it('lets a manager write and submit their own center only; 质监办 writes any but submits none', () => {
    const manager = { roles: ['center_manager'], centerId: 1 }
    const qa = { roles: ['qa_officer'], centerId: 9 }
    expect([writesCenter(manager, 1), writesCenter(manager, 2), writesCenter(manager, null)]).toEqual([true, false, false])
    expect([writesCenter(qa, 2), submitsTables(qa, 2), submitsTables(manager, 1)]).toEqual([true, false, true])
  })
})

describe('record forms', () => {
  const fields: Field[] = [
    { name: 'topic', label: 'tr.topic', kind: 'text', required: true },
    { name: 'participant_names', label: 'tr.names', kind: 'names' },
    { name: 'remark', label: 'common.remark', kind: 'textarea' },
  ]
  it('sends empty optional fields as null and splits names on commas and lines', () => {
    const values = { ...valuesOf(fields, null), topic: ' 演练 ', participant_names: '张三，李四\n王五', remark: '  ' }
    expect(bodyOf(fields, values)).toEqual({ topic: '演练', participant_names: ['张三', '李四', '王五'], remark: null })
  })
  it('lists the required fields left empty', () => {
    expect(missing(fields, valuesOf(fields, null))).toEqual(['topic'])
    expect(valuesOf(fields, { topic: 'x', participant_names: ['a', 'b'] }).participant_names).toBe('a\nb')
  })
})

import { describe, expect, it, vi } from 'vitest'
import { emptyMajorForm, majorBody, sendOnline, serverMajorErrors } from '../src/lib/majorForms'

const TODAY = '2030-01-10'

describe('质监办 forms on a major hazard', () => {
  it('挂牌督办 names the missing fields and checks its dates', () => {
    const r = majorBody('supervise', { ...emptyMajorForm(), supervised_on: TODAY }, TODAY)
    expect(r.body).toBeNull()
    expect(Object.keys(r.errors).sort()).toEqual(['requirements', 'supervisor'])
    const dated = { ...emptyMajorForm(), supervisor: '王主任', requirements: '限期整改', supervised_on: '2030-01-11', deadline: '2030-01-05' }
    expect(Object.keys(majorBody('supervise', dated, TODAY).errors).sort()).toEqual(['deadline', 'supervised_on'])
    const ok = majorBody('supervise', { ...dated, supervised_on: TODAY, deadline: '', order_no: ' ' }, TODAY)
    expect(ok.body).toEqual({ supervisor: '王主任', supervisor_unit: '质量监督办公室', supervised_on: TODAY, requirements: '限期整改',
      deadline: null, order_no: null })
  })

  it('上报 sends its time in Asia/Shanghai and refuses one in the future', () => {
    const form = { ...emptyMajorForm(), recipient: ' 学校保卫处 ', reported_at: '2020-05-01T09:30', channel: 'phone' as const }
    expect(majorBody('report_upward', form).body).toEqual({ recipient: '学校保卫处', reported_at: '2020-05-01T09:30:00+08:00',
      channel: 'phone', reference_no: null, note: null })
    expect(majorBody('report_upward', { ...form, reported_at: '2999-01-01T00:00' }).errors).toHaveProperty('reported_at')
    expect(majorBody('report_upward', { ...form, recipient: '' }).errors).toHaveProperty('recipient')
  })

  it('the 销号 needs an opinion and evidence; the photos travel beside the body', () => {
    expect(Object.keys(majorBody('verify', emptyMajorForm()).errors).sort()).toEqual(['evidence', 'opinion'])
    const r = majorBody('verify', { ...emptyMajorForm(), opinion: '同意销号', evidence: ['p1'] })
    expect(r.body).toEqual({ comment: '同意销号', documents: null })
  })

  it("the server's refusals land at the fields", () => {
    expect(serverMajorErrors({ status: 422, code: 'closure_evidence_required', message: '', details: { missing: ['comment', 'photo_ids'] } }))
      .toHaveProperty('opinion')
    expect(serverMajorErrors({ status: 422, code: 'date_in_future', message: '', details: { reported_at: 'x' } })).toHaveProperty('reported_at')
    expect(serverMajorErrors({ status: 422, code: 'upward_report_before_hazard', message: '', details: { reported_at: 'x', found_at: 'y' } }))
      .toEqual({ reported_at: '不能早于隐患被发现的时间' })
  })

  it('offline, nothing is sent and the caller is told', async () => {
    const spy = vi.spyOn(globalThis, 'fetch')
    expect(await sendOnline('t', 1, 'supervise', {}, 'k', false)).toEqual({ offline: true })
    expect(spy).not.toHaveBeenCalled()
    spy.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    expect(await sendOnline('t', 1, 'supervise', {}, 'k', true)).toEqual({ offline: true })
    spy.mockResolvedValueOnce(new Response(JSON.stringify({ error: { code: 'hazard_invalid_transition', message: '当前状态不允许此操作' } }),
      { status: 409, headers: { 'Content-Type': 'application/json' } }))
    const refused = await sendOnline('t', 1, 'supervise', {}, 'k', true)
    expect(refused).toMatchObject({ error: { status: 409, code: 'hazard_invalid_transition' } })
    const [, init] = spy.mock.calls[1] ?? []
    expect((init?.headers as Record<string, string>)['Idempotency-Key']).toBe('k')
    spy.mockRestore()
  })
})

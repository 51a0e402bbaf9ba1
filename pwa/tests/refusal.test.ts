import { describe, expect, it } from 'vitest'
import { refusalText } from '../src/lib/refusal'

describe('refusalText', () => {
  it('names the field and the problem of a validation error', () => {
    const text = refusalText({ status: 422, code: 'validation_error', message: '提交的数据不符合要求',
      details: { errors: [{ loc: ['body', 'reason'], type: 'string_too_short', msg: 'String should have at least 2 characters' }] } })
    expect(text).toBe('未被服务器接受：原因太短')
  })

  it("keeps the server's own message otherwise", () => {
    expect(refusalText({ status: 409, code: 'site_inactive', message: '该点位已停用' })).toBe('未被服务器接受：该点位已停用')
  })
})

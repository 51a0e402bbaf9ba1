import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../src/api/client'
import type { Page } from '../src/api/types'
import { auditParams, emptyAuditFilters, summaryLine } from '../src/console/audit/api'
import { isRefusal, usePagedList } from '../src/console/pagedList'
import { deliveryState, eventChoices } from '../src/console/integrations/api'
import { emptyUserFilters, unseenPassword, userListParams } from '../src/console/users/api'

// the screens' api modules sign requests with the session, which reads localStorage when imported
vi.hoisted(() => {
  const store = new Map<string, string>()
  vi.stubGlobal('localStorage', { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v),
    removeItem: (k: string) => store.delete(k) })
})

describe('the admin screens ask the server for what the filters say', () => {
  it('GET /users: blank filters are left out, the others sent as the API names them', () => {
    expect(userListParams(emptyUserFilters(), null).toString()).toBe('limit=50')
    const p = userListParams({ q: ' 吴 ', role: 'inspector', center_id: 2, is_active: false }, 'c1')
    expect(Object.fromEntries(p)).toEqual({ limit: '50', q: '吴', role: 'inspector', center_id: '2', is_active: 'false', cursor: 'c1' })
  })

  it('GET /audit: the object id only with its type, the actor by id, the time range as [from, to)', () => {
    const f = { ...emptyAuditFilters(), action: 'user.', object_id: '7' }
    expect(Object.fromEntries(auditParams(f, null))).toEqual({ limit: '50', action: 'user.' })
    const all = { action: '', object_type: 'hazard', object_id: '7', actor: { id: 3, label: 'wu' },
      range: ['2026-12-01T00:00:00+08:00', '2026-12-02T00:00:00+08:00'] as [string, string] }
    expect(Object.fromEntries(auditParams(all, 'n'))).toEqual({ limit: '50', object_type: 'hazard', object_id: '7', actor_id: '3',
      from: '2026-12-01T00:00:00+08:00', to: '2026-12-02T00:00:00+08:00', cursor: 'n' })
    expect(summaryLine({ name: '平台', after: { enabled: true } })).toBe('name: 平台；after: {"enabled":true}')
  })

  it('a delivery waits, is being sent, succeeded or failed; events are offered by family and type', () => {
    expect(deliveryState({ status: 'pending', in_flight: false })).toBe('pending')
    expect(deliveryState({ status: 'pending', in_flight: true })).toBe('inFlight')
    expect(deliveryState({ status: 'failed', in_flight: false })).toBe('failed')
    const types = [{ type: 'hazard.reported', label: '新隐患上报' }, { type: 'hazard.closed', label: '闭环' }, { type: 'task.missed', label: '漏检' }]
    expect(eventChoices(types).families).toEqual(['hazard', 'task'])
  })

  it('a first password nobody sees is long and different each time', () => {
    const a = unseenPassword()
    expect(a.length).toBeGreaterThan(40)
    expect(unseenPassword()).not.toBe(a)
  })
})

describe('a list paged by the API', () => {
  it('keeps the newest question\'s answer, and the refusal whole', async () => {
    const answers: Record<string, (v: Page<number>) => void> = {}
    const list = usePagedList<number>((cursor) => new Promise((resolve) => { answers[cursor ?? 'first'] = resolve }))
    const first = list.load()
    answers.first!({ items: [1, 2], next_cursor: 'p2' })
    await first
    list.step('next')
    const slow = answers.p2!
    const again = list.restart()  // a newer question before page 2 answers
    answers.first!({ items: [1, 2], next_cursor: 'p2' })
    await again
    slow({ items: [3], next_cursor: null })
    await Promise.resolve()
    expect(list.rows.value).toEqual([1, 2])
    expect(list.paging.value.cursors).toEqual([null])

    const refused = usePagedList<number>(() => Promise.reject(new ApiError(403, 'forbidden', '无权执行此操作')))
    await refused.load()
    expect(isRefusal(refused.error.value)).toBe(true)
    expect(refused.error.value?.message).toBe('无权执行此操作')
    expect(isRefusal(new ApiError(500, 'internal', 'x'))).toBe(false)
  })
})

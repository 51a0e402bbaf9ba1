import { describe, expect, it } from 'vitest'
import { ApiError, NetworkError } from '../src/api/client'
import type { HazardDetailOut } from '../src/api/types'
import { actionBody, newActionForm } from '../src/console/actionForms'
import { savedName } from '../src/console/download'
import { bulkAssign, retryTargets, type Send } from '../src/console/bulkAssign'
import { activeFilterCount, DEFAULT_STATE, emptyFilters, exportParams, fromQuery, listParams, toQuery } from '../src/console/hazardQuery'
import { mayAssign, mayEditModules, mayManagePlans, menuFor } from '../src/console/menu'
import { arrived, back, bulkBlocker, cursorOf, firstPage, forward, overdueDays, pageNumber, rowClass } from '../src/console/table'

describe('the console hazard list in the address bar', () => {
  it('reads every filter of GET /hazards, and writes back only what differs from the default view', () => {
    const query = {
      status: ['reported', 'assigned'], center_id: ['2', '3'], campus_id: '1', site_id: '7', category: 'gas', grade: 'major',
      source: 'adhoc', assignee_id: '9', overdue: 'true', created_from: '2026-11-01', created_to: '2026-11-30',
      deadline_from: '2026-12-01', deadline_to: '2026-12-31', q: ' 燃气 ', can: 'assign', updated_since: '2026-12-01T08:00:00+08:00',
      sort: 'deadline', limit: '50',
    }
    const state = fromQuery(query)
    expect(state.filters).toEqual({
      status: ['reported', 'assigned'], center_id: [2, 3], campus_id: 1, site_id: 7, category: ['gas'], grade: ['major'],
      source: 'adhoc', assignee_id: 9, overdue: true, created_from: '2026-11-01', created_to: '2026-11-30',
      deadline_from: '2026-12-01', deadline_to: '2026-12-31', q: '燃气', can: 'assign', updated_since: '2026-12-01T08:00:00+08:00',
    })
    expect(state.sort).toBe('deadline')
    expect(state.limit).toBe(50)
    expect(fromQuery(toQuery(state))).toEqual(state)
    expect(toQuery(DEFAULT_STATE)).toEqual({})
    expect(activeFilterCount(state.filters)).toBe(16)
  })

  it('drops what it cannot read instead of sending it to the server', () => {
    const state = fromQuery({ status: ['reported', 'bogus'], center_id: ['x', '0', '-1', '4'], overdue: 'yes', created_from: '2026-13-45',
      sort: 'title', limit: '7', can: 'delete', updated_since: '2026-12-01T08:00:00', q: 'a'.repeat(300) })
    expect(state.filters.status).toEqual(['reported'])
    expect(state.filters.center_id).toEqual([4])
    expect(state.filters.overdue).toBeNull()
    expect(state.filters.created_from).toBeNull()
    expect(state.filters.can).toBeNull()
    expect(state.filters.updated_since).toBeNull()  // no zone: the API refuses it
    expect(state.filters.q).toHaveLength(100)
    expect(state.sort).toBe('created')
    expect(state.limit).toBe(20)
  })

  it('asks the API with repeated keys for lists, the cursor, and the total on the first page only', () => {
    const state = { ...DEFAULT_STATE, filters: { ...emptyFilters(), status: ['reported' as const, 'assigned' as const], overdue: false } }
    const first = listParams(state, null, true)
    expect(first.getAll('status')).toEqual(['reported', 'assigned'])
    expect(first.get('overdue')).toBe('false')
    expect(first.get('count')).toBe('true')
    expect(first.has('cursor')).toBe(false)
    const later = listParams(state, 'abc', false)
    expect(later.get('cursor')).toBe('abc')
    expect(later.has('count')).toBe(false)
    // the export takes exactly the filters: no page, order or size
    expect(exportParams(state.filters).toString()).toBe('status=reported&status=assigned&overdue=false')
  })
})

describe('the hazards table', () => {
  it('pages with the API\'s cursors, forward and back', () => {
    let p = arrived(firstPage(), 'c2')
    expect([pageNumber(p), cursorOf(p)]).toEqual([1, null])
    p = arrived(forward(p), 'c3')
    expect([pageNumber(p), cursorOf(p), p.next]).toEqual([2, 'c2', 'c3'])
    p = arrived(forward(p), null)
    expect(forward(p)).toBe(p)  // the last page: no further
    p = back(p)
    expect([pageNumber(p), cursorOf(p)]).toEqual([2, 'c2'])
    expect(back(back(back(p)))).toEqual(firstPage())
  })

  it('highlights overdue rows with their days, and marks major ones', () => {
    expect(rowClass({ is_overdue: true, grade: 'major' })).toBe('row--overdue row--major')
    expect(rowClass({ is_overdue: false, grade: 'general' })).toBe('')
    expect(overdueDays({ is_overdue: true, overdue_days: 3 })).toBe(3)
    expect(overdueDays({ is_overdue: false, overdue_days: 0 })).toBeNull()
  })

  it('lets bulk assign take only what the server allows, and major hazards singly when they need a 治理方案', () => {
    expect(bulkBlocker({ allowed_actions: ['assign'], grade: 'general' }, true)).toBeNull()
    expect(bulkBlocker({ allowed_actions: ['verify'], grade: 'general' }, true)).toBe('table.notAssignable')
    expect(bulkBlocker({ allowed_actions: ['assign'], grade: 'major' }, true)).toBe('table.majorSingly')
    expect(bulkBlocker({ allowed_actions: ['assign'], grade: 'major' }, false)).toBeNull()
  })
})

describe('the console menu', () => {
  const none = { all_centers: false, dispatch: false, submit_receipt: false }
  const paths = (who: Parameters<typeof menuFor>[0]): string[] => menuFor(who).map((m) => m.path)
  it('shows what exists and what the roles may use', () => {
    expect(paths({ roles: ['center_manager'], centerId: 1, groupViews: false, campaigns: { ...none, submit_receipt: true } }))
      .toEqual(['/console/hazards', '/console/plans', '/console/campaigns', '/console/sites', '/console/modules', '/console/records'])
    expect(paths({ roles: ['qa_officer'], centerId: 5, groupViews: true, campaigns: { ...none, all_centers: true, dispatch: true } }))
      .toEqual(['/console/hazards', '/console/plans', '/console/campaigns', '/console/sites', '/console/modules', '/console/records',
        '/console/audit', '/control', '/report/monthly'])
    expect(paths({ roles: ['leader'], centerId: null, groupViews: true, campaigns: { ...none, all_centers: true } }))
      .toEqual(['/console/hazards', '/console/plans', '/console/campaigns', '/console/sites', '/console/modules', '/console/records',
        '/control', '/report/monthly'])
    // everyone reads the sites and modules (GET /sites, /modules); only 质监办 and admins edit modules;
    // the admin screens: the server's AdminUser (users, integrations) and AuditReader (qa_officer, admin)
    expect(paths({ roles: ['admin'], centerId: null, groupViews: false, campaigns: none }))
      .toEqual(['/console/sites', '/console/modules', '/console/users', '/console/integrations', '/console/audit'])
    expect(mayEditModules(['admin'])).toBe(true)
    expect(mayEditModules(['center_manager', 'leader'])).toBe(false)
    expect(mayAssign(['center_manager'])).toBe(true)
    expect(mayAssign(['inspector', 'leader'])).toBe(false)
  })
  it('keeps plans and campaigns from an inspector, whose plans and campaigns reach the phone as tasks', () => {
    expect(paths({ roles: ['inspector'], centerId: 1, groupViews: false, campaigns: none })).toEqual(['/console/hazards', '/console/sites', '/console/modules', '/console/records'])
    expect(mayManagePlans(['center_manager'])).toBe(true)
    expect(mayManagePlans(['qa_officer'])).toBe(true)
    expect(mayManagePlans(['leader', 'inspector'])).toBe(false)
  })
})

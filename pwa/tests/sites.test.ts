import { describe, expect, it } from 'vitest'
import { labelParams, mayEditSites, siteListParams, siteStateFromQuery, siteStateToQuery } from '../src/console/sites/siteQuery'

describe('the console sites list in the address bar', () => {
  it('reads every filter of GET /sites it offers, drops what is unreadable, and writes back only what is set', () => {
    const state = siteStateFromQuery({ q: ' 后厨 ', campus_id: '2', center_id: '3', kind: 'canteen', is_active: 'false', limit: '50' })
    expect(state).toEqual({ limit: 50, filters: { q: '后厨', campus_id: 2, center_id: 3, kind: 'canteen', is_active: false } })
    expect(siteStateFromQuery(siteStateToQuery(state))).toEqual(state)
    expect(siteStateFromQuery({ campus_id: '0', kind: 'castle', is_active: 'maybe', limit: '7' }))
      .toEqual({ limit: 20, filters: { q: '', campus_id: null, center_id: null, kind: null, is_active: null } })
    expect(siteStateToQuery(siteStateFromQuery({}))).toEqual({})
  })

  it('asks the server for the filtered page, with the total on the first', () => {
    const { filters } = siteStateFromQuery({ center_id: '3', is_active: 'true' })
    expect(siteListParams(filters, 20, null, true).toString()).toBe('center_id=3&is_active=true&limit=20&count=true')
    expect(siteListParams(filters, 20, 'abc', false).toString()).toBe('center_id=3&is_active=true&limit=20&cursor=abc')
  })

  it('names the sites of a label sheet in order, and shows editing to administrators only', () => {
    expect(labelParams([7, 3]).toString()).toBe('site_id=7&site_id=3')
    expect(mayEditSites(['admin'])).toBe(true)
    expect(mayEditSites(['qa_officer', 'leader', 'center_manager', 'inspector'])).toBe(false)
  })
})

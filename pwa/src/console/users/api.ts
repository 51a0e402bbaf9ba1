/** 用户与角色's calls (admin only: the server answers others 403). */
import type { OneTimePasswordOut, Page, Role, UserCreateIn, UserOut, UserUpdateIn } from '../../api/types'
import { authed } from '../api'

/** the roles in the order the server's vocabulary lists them */
export const ROLES: readonly Role[] = ['inspector', 'center_manager', 'qa_officer', 'leader', 'admin']

export interface UserFilters { q: string; role: string; center_id: number | null; is_active: boolean | null }

export const emptyUserFilters = (): UserFilters => ({ q: '', role: '', center_id: null, is_active: null })

/** GET /users's query for the filters and the page's cursor (blank filters are left out). */
export function userListParams(f: UserFilters, cursor: string | null, limit = 50): URLSearchParams {
  const p = new URLSearchParams({ limit: String(limit) })
  if (f.q.trim()) p.set('q', f.q.trim())
  if (f.role) p.set('role', f.role)
  if (f.center_id !== null) p.set('center_id', String(f.center_id))
  if (f.is_active !== null) p.set('is_active', String(f.is_active))
  if (cursor) p.set('cursor', cursor)
  return p
}

export const listUsers = (f: UserFilters, cursor: string | null): Promise<Page<UserOut>> => authed(`/users?${userListParams(f, cursor).toString()}`)
export const createUser = (body: UserCreateIn): Promise<UserOut> => authed('/users', { method: 'POST', body })
export const updateUser = (id: number, body: UserUpdateIn): Promise<UserOut> => authed(`/users/${id}`, { method: 'PATCH', body })
export const makeOneTimePassword = (id: number): Promise<OneTimePasswordOut> =>
  authed(`/users/${id}/one-time-password`, { method: 'POST' })

/** A first password nobody sees or types: the console replaces it at once with a one-time password
 *  (POST /users needs one; the user sets their own at their first login). */
export function unseenPassword(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24))
  return `Ax-${Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('')}`
}

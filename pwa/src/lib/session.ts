import { computed, reactive } from 'vue'
import { request } from '../api/client'
import type { LoginOut, UserOut } from '../api/types'

interface SessionState {
  token: string | null
  user: UserOut | null
  expiresAt: string | null
  /** the server refused the token (401): captured data stays, sync waits for a new login */
  expired: boolean
}

const KEY = 'anxun.session'

function load(): SessionState {
  const empty: SessionState = { token: null, user: null, expiresAt: null, expired: false }
  const raw = localStorage.getItem(KEY)
  if (!raw) return empty
  try {
    return { ...empty, ...(JSON.parse(raw) as Partial<SessionState>) }
  } catch (err) {
    console.warn('stored session unreadable, starting logged out', err)
    return empty
  }
}

export const session = reactive<SessionState>(load())

function persist(): void {
  localStorage.setItem(KEY, JSON.stringify(session))
}

export const isLoggedIn = computed(() => session.token !== null && session.user !== null)
export const userId = computed(() => session.user?.id ?? null)
export const roles = computed(() => new Set(session.user?.roles ?? []))
export const isManager = computed(() =>
  roles.value.has('center_manager') || roles.value.has('qa_officer') || roles.value.has('admin'))

/** Log in; ``newPassword`` replaces a one-time password (the server answered 403
 *  ``password_change_required`` to the password alone). */
export async function login(username: string, password: string, newPassword?: string): Promise<UserOut> {
  const body = newPassword === undefined ? { username, password } : { username, password, new_password: newPassword }
  const out = await request<LoginOut>('/auth/login', { method: 'POST', body })
  session.token = out.access_token
  session.user = out.user
  session.expiresAt = out.expires_at
  session.expired = false
  persist()
  return out.user
}

export function markExpired(): void {
  session.expired = true
  persist()
}

export function forget(): void {
  session.token = null
  session.user = null
  session.expiresAt = null
  session.expired = false
  persist()
}

export function currentAuth(): { token: string; userId: number } | null {
  if (!session.token || !session.user || session.expired) return null
  return { token: session.token, userId: session.user.id }
}

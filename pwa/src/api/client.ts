import type { ErrorBody } from './types'

export const API = '/api/v1'

/** An HTTP answer other than 2xx, with the server's error code and Chinese message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** The request never got an HTTP answer (offline, DNS, connection reset, timeout). */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'NetworkError'
  }
}

function isErrorBody(v: unknown): v is ErrorBody {
  return typeof v === 'object' && v !== null && 'error' in v &&
    typeof (v as { error: unknown }).error === 'object'
}

export async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null
  try {
    body = await res.json()
  } catch (err) {
    // not JSON (a proxy's HTML error page): keep the status, say so
    body = { error: { code: `http_${res.status}`, message: `${res.status} ${res.statusText || String(err)}` } }
  }
  if (isErrorBody(body)) {
    return new ApiError(res.status, body.error.code, body.error.message, body.error.details ?? null)
  }
  return new ApiError(res.status, `http_${res.status}`, `${res.status} ${res.statusText}`)
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>

let onUnauthorized: (() => void) | null = null
/** Called as soon as any request made with a token gets 401 (the app shows 重新登录 at once, not
 *  after the next sync run). */
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler
}

export interface RequestOptions {
  method?: string
  body?: unknown
  form?: FormData
  /** a file sent as the raw body, with its own type as Content-Type */
  file?: Blob
  headers?: Record<string, string>
  token?: string | null
  timeoutMs?: number
  fetchImpl?: Fetch
}

/** JSON request to the API. Throws ApiError (HTTP answer) or NetworkError (no answer). */
export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(path, opts)
  if (res.status === 204) return undefined as T
  return (await res.json()) as T
}

/** A file from the API (bytes, not JSON), with the same errors as `request`. */
export async function requestBlob(path: string, opts: RequestOptions = {}): Promise<Blob> {
  return (await send(path, { ...opts, headers: { Accept: '*/*', ...opts.headers } })).blob()
}

async function send(path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers }
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`
  let body: BodyInit | undefined
  if (opts.form) body = opts.form
  else if (opts.file) {
    headers['Content-Type'] = opts.file.type
    body = opts.file
  }
  else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  const ctrl = new AbortController()
  const timer = setTimeout(() => ctrl.abort(), opts.timeoutMs ?? 30000)
  const doFetch: Fetch = opts.fetchImpl ?? ((i, init) => fetch(i, init))
  let res: Response
  try {
    res = await doFetch(API + path, { method: opts.method ?? 'GET', headers, body, signal: ctrl.signal })
  } catch (err) {
    throw new NetworkError(err instanceof Error ? err.message : String(err))
  } finally {
    clearTimeout(timer)
  }
  if (res.status === 401 && opts.token) onUnauthorized?.()
  if (!res.ok) throw await toApiError(res)
  return res
}

/** An export saved from the API under the user's auth, named as the server names it. */
import { API, NetworkError, toApiError } from '../api/client'

/** The filename a download is saved under: the server's `filename*` (RFC 6266), else `fallback`. */
export function savedName(disposition: string | null, fallback: string): string {
  const star = disposition?.match(/filename\*=UTF-8''([^;]+)/i)?.[1]
  if (star) {
    try {
      return decodeURIComponent(star)
    } catch (err) {
      console.warn('undecodable filename*', err)
    }
  }
  return disposition?.match(/filename="([^"]+)"/i)?.[1] ?? fallback
}

/** Download an export (`/exports/hazards.xlsx?...`) under the user's auth; returns the file's name. */
export async function download(path: string, token: string | null, fallback: string): Promise<string> {
  let res: Response
  try {
    res = await fetch(API + path, { headers: { Authorization: `Bearer ${token ?? ''}`, Accept: '*/*' } })
  } catch (err) {
    throw new NetworkError(err instanceof Error ? err.message : String(err))
  }
  if (!res.ok) throw await toApiError(res)
  const name = savedName(res.headers.get('Content-Disposition'), fallback)
  const url = URL.createObjectURL(await res.blob())
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return name
}

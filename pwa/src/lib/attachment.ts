/** A campaign's notice document: the API wants the bearer token, so the phone fetches it and hands
 *  the browser a blob to save or show (a plain link would be answered 401). */
import { API, requestBlob } from '../api/client'
import { session } from './session'

export async function downloadWithToken(url: string, filename: string): Promise<void> {
  const path = url.startsWith(API) ? url.slice(API.length) : url
  const blob = await requestBlob(path, { token: session.token, timeoutMs: 120_000 })
  const href = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = href
  a.download = filename
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // the browser has taken the blob once the click is handled; a minute is ample for a slow phone
  setTimeout(() => URL.revokeObjectURL(href), 60_000)
}

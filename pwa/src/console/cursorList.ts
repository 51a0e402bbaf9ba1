/** A list the API pages with keyset cursors, as the console's admin screens show it: one page at a
 *  time, 上一页 / 下一页 (the cursors seen so far; no page numbers to jump to), and the error of the
 *  last load kept whole (a 403 is the server's refusal, shown as it said it). */
import { shallowRef, ref, type Ref, type ShallowRef } from 'vue'
import { ApiError } from '../api/client'
import type { Page } from '../api/types'
import { arrived, back, cursorOf, firstPage, forward, type Paging } from './table'

export interface CursorList<T> {
  rows: ShallowRef<T[]>
  paging: Ref<Paging>
  loading: Ref<boolean>
  error: ShallowRef<Error | null>
  /** the current page again (after a change); `reset` goes back to the first page */
  load: (opts?: { reset?: boolean }) => Promise<void>
  step: (to: 'next' | 'prev') => void
}

/** the server refused the user the screen (403): the screen shows that alone */
export const isRefusal = (err: Error | null): boolean => err instanceof ApiError && err.status === 403

export function useCursorList<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>): CursorList<T> {
  const rows = shallowRef<T[]>([])
  const paging = ref<Paging>(firstPage())
  const loading = ref(false)
  const error = shallowRef<Error | null>(null)
  let asked = 0

  async function load(opts: { reset?: boolean } = {}): Promise<void> {
    if (opts.reset) paging.value = firstPage()
    const mine = ++asked  // a slower answer to an older question never replaces a newer one
    loading.value = true
    try {
      const page = await fetchPage(cursorOf(paging.value))
      if (mine !== asked) return
      rows.value = page.items
      paging.value = arrived(paging.value, page.next_cursor)
      error.value = null
    } catch (err) {
      if (mine !== asked) return
      error.value = err instanceof Error ? err : new Error(String(err))
    } finally {
      if (mine === asked) loading.value = false
    }
  }

  function step(to: 'next' | 'prev'): void {
    paging.value = to === 'next' ? forward(paging.value) : back(paging.value)
    void load()
  }

  return { rows, paging, loading, error, load, step }
}

/** A console list's rows, a page at a time over the API's keyset cursors (上一页 / 下一页: the cursors
 *  seen so far, no page numbers to jump to): the total asked for with the first page (where the API
 *  counts), a slower answer to an older question never replacing a newer one, and the last load's
 *  error kept whole (LoadError shows a 403 as the server's refusal, anything else with 重试). */
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import { ApiError } from '../api/client'
import type { Page } from '../api/types'
import { newestOnly } from './latest'
import { arrived, back, cursorOf, firstPage, forward, type Paging } from './table'

export type CountedPage<T> = Page<T> & { total?: number | null }

export interface PagedList<T> {
  rows: ShallowRef<T[]>
  /** how many match, from the first page's answer; null where the API does not count */
  total: Ref<number | null>
  paging: Ref<Paging>
  loading: Ref<boolean>
  error: ShallowRef<Error | null>
  /** the current page again (after a change) */
  load: () => Promise<void>
  /** back to the first page (the filters changed, a row was added) */
  restart: () => Promise<void>
  step: (to: 'next' | 'prev') => void
}

/** the server refused the user the screen (403): the screen shows that alone */
export const isRefusal = (err: Error | null): boolean => err instanceof ApiError && err.status === 403

/** `fetchPage(cursor, count)`: one page from `cursor` (null: the first), with the total when `count`. */
export function usePagedList<T>(fetchPage: (cursor: string | null, count: boolean) => Promise<CountedPage<T>>): PagedList<T> {
  const rows = shallowRef<T[]>([])
  const total = ref<number | null>(null)
  const paging = ref<Paging>(firstPage())
  const loading = ref(false)
  const error = shallowRef<Error | null>(null)
  const ask = newestOnly()

  async function load(): Promise<void> {
    const still = ask()
    loading.value = true
    error.value = null
    const cursor = cursorOf(paging.value)
    try {
      const page = await fetchPage(cursor, cursor === null)
      if (!still()) return
      rows.value = page.items
      if (cursor === null) total.value = page.total ?? null
      paging.value = arrived(paging.value, page.next_cursor)
    } catch (err) {
      if (still()) error.value = err instanceof Error ? err : new Error(String(err))
    } finally {
      if (still()) loading.value = false
    }
  }
  function restart(): Promise<void> {
    paging.value = firstPage()
    return load()
  }
  function step(to: 'next' | 'prev'): void {
    paging.value = to === 'next' ? forward(paging.value) : back(paging.value)
    void load()
  }
  return { rows, total, paging, loading, error, load, restart, step }
}

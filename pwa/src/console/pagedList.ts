/** A console table's rows, a page at a time over the API's keyset cursors: the total asked for with
 *  the first page (where the API counts), a slower answer to an older question never replacing a
 *  newer one, and the failure in the screen's words. */
import { ref, shallowRef } from 'vue'
import type { Page } from '../api/types'
import { errorText } from './people'
import { arrived, back, cursorOf, firstPage, forward, type Paging } from './table'

export type CountedPage<T> = Page<T> & { total?: number | null }

/** `fetchPage(cursor, count)`: one page from `cursor` (null: the first), with the total when `count`. */
export function usePagedList<T>(fetchPage: (cursor: string | null, count: boolean) => Promise<CountedPage<T>>,
  failure: (message: string) => string) {
  const rows = shallowRef<T[]>([])
  const total = ref<number | null>(null)
  const paging = ref<Paging>(firstPage())
  const loading = ref(false)
  const failed = ref('')
  let asked = 0

  async function load(): Promise<void> {
    const mine = ++asked
    loading.value = true
    failed.value = ''
    const cursor = cursorOf(paging.value)
    try {
      const page = await fetchPage(cursor, cursor === null)
      if (mine !== asked) return
      rows.value = page.items
      if (cursor === null) total.value = page.total ?? null
      paging.value = arrived(paging.value, page.next_cursor)
    } catch (err) {
      if (mine === asked) failed.value = failure(errorText(err))
    } finally {
      if (mine === asked) loading.value = false
    }
  }
  /** back to the first page (the filters changed, a row was added) */
  function restart(): void {
    paging.value = firstPage()
    void load()
  }
  function step(to: 'next' | 'prev'): void {
    paging.value = to === 'next' ? forward(paging.value) : back(paging.value)
    void load()
  }
  return { rows, total, paging, loading, failed, load, restart, step }
}

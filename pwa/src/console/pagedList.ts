/** A cursor-paged list of the console's smaller screens (plans, campaigns): the page's rows, the
 *  cursors seen (table.ts), loading and the failure in the server's words. A slower answer to an older
 *  question never replaces a newer one. */
import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'
import type { Page } from '../api/types'
import { arrived, back, cursorOf, firstPage, forward, type Paging } from './table'
import { errorText } from './people'

export interface PagedList<T> {
  rows: ShallowRef<T[]>
  paging: Ref<Paging>
  loading: Ref<boolean>
  failed: Ref<string>
  load: () => Promise<void>
  /** back to the first page (a filter changed, a row was added) */
  reload: () => void
  step: (to: 'next' | 'prev') => void
}

export function usePagedList<T>(fetch: (cursor: string | null) => Promise<Page<T>>, failure: (message: string) => string,
  arrivedRows: (rows: T[]) => void = () => undefined): PagedList<T> {
  const rows = shallowRef<T[]>([])
  const paging = ref<Paging>(firstPage())
  const loading = ref(false)
  const failed = ref('')
  let asked = 0

  async function load(): Promise<void> {
    const mine = ++asked
    loading.value = true
    failed.value = ''
    try {
      const page = await fetch(cursorOf(paging.value))
      if (mine !== asked) return
      rows.value = page.items
      paging.value = arrived(paging.value, page.next_cursor)
      arrivedRows(page.items)
    } catch (err) {
      if (mine === asked) failed.value = failure(errorText(err))
    } finally {
      if (mine === asked) loading.value = false
    }
  }
  const reload = (): void => { paging.value = firstPage(); void load() }
  const step = (to: 'next' | 'prev'): void => { paging.value = to === 'next' ? forward(paging.value) : back(paging.value); void load() }
  return { rows, paging, loading, failed, load, reload, step }
}

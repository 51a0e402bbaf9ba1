import { ref, shallowRef, watch, type Ref } from 'vue'
import { listAll } from './api'
import { st } from './strings'

/** A records list read whole (the tables are a center's: tens of rows, at most a few hundred), read
 *  again when its parameters change. A slower answer to an older question never replaces a newer one. */
export function useRecords<T>(path: string, params: () => Record<string, string | number | undefined> | null): {
  rows: Ref<T[]>; loading: Ref<boolean>; failed: Ref<string>; reload: () => Promise<void>
} {
  const rows = shallowRef<T[]>([])
  const loading = ref(false)
  const failed = ref('')
  let asked = 0
  async function reload(): Promise<void> {
    const query = params()
    const mine = ++asked
    if (query === null) {  // not askable yet (no center picked)
      rows.value = []
      return
    }
    loading.value = true
    failed.value = ''
    try {
      const items = await listAll<T>(path, query)
      if (mine === asked) rows.value = items
    } catch (err) {
      if (mine === asked) failed.value = st('common.loadFailed', { m: err instanceof Error ? err.message : String(err) })
    } finally {
      if (mine === asked) loading.value = false
    }
  }
  watch(params, () => { void reload() }, { deep: true, immediate: true })
  return { rows, loading, failed, reload }
}

/** The message of a failed call (the server's, in Chinese), for a toast. */
export const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err))

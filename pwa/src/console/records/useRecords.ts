import { ref, shallowRef, watch, type Ref } from 'vue'
import { newestOnly } from '../latest'
import { errorText } from '../people'
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
  const ask = newestOnly()
  async function reload(): Promise<void> {
    const query = params()
    const still = ask()
    if (query === null) {  // not askable yet (no center picked)
      rows.value = []
      return
    }
    loading.value = true
    failed.value = ''
    try {
      const items = await listAll<T>(path, query)
      if (still()) rows.value = items
    } catch (err) {
      if (still()) failed.value = st('common.loadFailed', { m: errorText(err) })
    } finally {
      if (still()) loading.value = false
    }
  }
  watch(params, () => { void reload() }, { deep: true, immediate: true })
  return { rows, loading, failed, reload }
}

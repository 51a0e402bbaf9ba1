/** A filter bar's own copy of the screen's filters (the address bar holds the applied ones): a choice
 *  applies at once, the text search on Enter or 查询 (trimmed), 重置 applies the empty filters. */
import { ref, watch, type Ref } from 'vue'

export function useFilterDraft<F extends { q: string }>(applied: () => F, empty: () => F, apply: (filters: F) => void):
  { f: Ref<F>; apply: () => void; reset: () => void } {
  const f = ref({ ...applied() }) as Ref<F>
  watch(applied, (v) => { f.value = { ...v } })
  const send = (): void => apply({ ...f.value, q: f.value.q.trim() })
  function reset(): void {
    f.value = empty()
    send()
  }
  return { f, apply: send, reset }
}

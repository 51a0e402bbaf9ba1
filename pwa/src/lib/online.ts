import { onMounted, onUnmounted, ref, type Ref } from 'vue'

/** The browser's online flag, kept current while the component lives (for online-only forms). */
export function useOnline(): Ref<boolean> {
  const online = ref(typeof navigator === 'undefined' || navigator.onLine)
  const update = (): void => { online.value = navigator.onLine }
  onMounted(() => {
    update()
    window.addEventListener('online', update)
    window.addEventListener('offline', update)
  })
  onUnmounted(() => {
    window.removeEventListener('online', update)
    window.removeEventListener('offline', update)
  })
  return online
}

import { showNotify } from 'vant'
import { t } from './i18n'
import { fmtBytes } from './format'
import { LOW_STORAGE_BYTES, storageInfo } from './photos'

/** Ask for persistent storage (evidence must not be evicted) and warn when space is short. */
export async function checkStorage(): Promise<void> {
  try {
    if (navigator.storage?.persist && !(await navigator.storage.persisted())) {
      await navigator.storage.persist()
    }
    const info = await storageInfo()
    if (info && info.quota > 0 && info.quota - info.usage < LOW_STORAGE_BYTES) {
      showNotify({ type: 'warning', message: t('storage.low', { free: fmtBytes(info.quota - info.usage) }), duration: 6000 })
    }
  } catch (err) {
    console.warn('storage check failed', err)
  }
}

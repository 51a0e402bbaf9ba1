import { createApp } from 'vue'
import 'vant/es/toast/style'
import 'vant/es/dialog/style'
import 'vant/es/notify/style'
import 'vant/es/image-preview/style'
import './theme.css'
import App from './App.vue'
import { router } from './router'
import { lang, setLang } from './lib/i18n'
import { installSyncTriggers } from './lib/sync'

setLang(lang.value)
createApp(App).use(router).mount('#app')
installSyncTriggers()
// not needed for the first frame
setTimeout(() => void import('./lib/storage').then((m) => m.checkStorage()), 1500)

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  // registered after the first render so it never competes with it
  window.addEventListener('load', () => {
    void import('virtual:pwa-register').then(({ registerSW }) => registerSW({ immediate: true }))
  })
}

/** The desk console's own entry (console.html, served for /console/*): Element Plus and the console's
 *  screens without the phone's shell. In the phone's entry the console's first screen waited for the
 *  phone app (Vant's styles, its shell and router): ~1 s at 4x CPU slowdown before the console's code
 *  was even asked for (bench/pwa.py). */
import { createApp, h } from 'vue'
import { RouterView } from 'vue-router'
import '../theme.css'
import { lang, setLang } from '../lib/i18n'
import { consoleRouter } from './router'

setLang(lang.value)
createApp({ render: () => h(RouterView) }).use(consoleRouter).mount('#console')

/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { VantResolver } from '@vant/auto-import-resolver'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { VitePWA } from 'vite-plugin-pwa'

// The group views (总控制室, 月报) and ECharts: one chunk of their own, which the service worker does
// not precache, so a phone never downloads it (a wall screen or a desk fetches it when it opens them).
const GROUP_VIEWS = /node_modules[\\/](echarts|zrender|tslib)[\\/]|src[\\/](room[\\/](?!guard|i18n)|pages[\\/](ControlRoom|MonthlyReport)Page)/
const GROUP_VIEW_FILES = ['**/group-views-*', '**/ControlRoomPage-*', '**/MonthlyReportPage-*']

// The desk console (/console) with Element Plus and its dependencies: chunks of their own that the
// service worker does not precache, so a phone never downloads them.
const CONSOLE_UI = /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|@ctrl|@vueuse|async-validator|dayjs|lodash-es|lodash-unified|memoize-one|normalize-wheel-es)[\\/]/
const CONSOLE = /src[\\/]console[\\/]/
const CONSOLE_FILES = ['**/console-*']
// What the hazards table and its filters do not use (Element Plus's drawer, dialogs, date pickers, time selects and
// dayjs, tables, uploads, the image viewer; the console's drawer and dialogs) is in console-later-* and
// console-ui-later-*, loaded when opened. Measured at 4x CPU slowdown (load ~12 on 2 cores): the
// table's first screen was interactive at 3.4 s instead of 5.4 s. Their styles stay in console-ui:
// a style module in a later chunk made console-ui import that chunk at once.
const LATER_UI = /element-plus[\\/]es[\\/]components[\\/](date-picker|date-picker-panel|time-picker|time-select|drawer|dialog|descriptions|timeline|upload|table|radio|image-viewer|image|input-number|switch|tabs|checkbox|link|skeleton|result|progress|page-header)[\\/](?!style)|node_modules[\\/]dayjs[\\/]/
const LATER = /[\\/](HazardDrawer|ActionDialog|BulkAssignDialog|MajorFacts|PlanFields|PhotoUpload|PhotoViewer|DatePick|actionForms|bulkAssign|ConsoleDialog|FormDialog|ListTable|SecretOnceDialog|DataTable|LoadError)\b/
const later = (pattern: RegExp, name: string) => (id: string): string => (pattern.test(id) ? `${name}-later` : name)
// Each console screen beyond 隐患管理 (src/console/<screen>/) is a chunk of its own (still console-*: never
// precached), so the hazards table's first screen does not parse the other screens; a screen's dialogs in
// its -later chunk, so its list does not load them; the module editor's phone preview (the phone's
// checklist item, with Vant) another, loaded with the editor only, so no other screen loads Vant.
// (a screen's rights.ts, which the side menu asks, stays in the console chunk: in the screen's chunk it made the
// hazards table's first screen load the records screen and, through it, Element Plus's later parts)
const SCREEN = /src[\\/]console[\\/]([a-z]+)[\\/](?!rights\.ts)/
const SCREEN_LATER = /[\\/](SiteDialog|PlanDialog|TemplateDialog|CampaignDrawer|DispatchDialog|ReceiptForm)\b/
const consoleChunk = (id: string): string => {
  if (/[\\/]console[\\/]modules[\\/]PhonePreview\b/.test(id)) return 'console-preview'
  const screen = SCREEN.exec(id)
  return screen ? later(SCREEN_LATER, `console-${screen[1]}`)(id) : later(LATER, 'console')(id)
}

// Paths the service worker must never answer with the app shell.
const SERVER_PATHS = [/^\/api\//, /^\/docs/, /^\/redoc/, /^\/openapi\.json/, /^\/healthz/, /^\/readyz/]
// The desk console: an entry of its own (console.html), never the phone's shell, never precached
const CONSOLE_PAGES = /^\/console(\/|$)/

/** `vite` (dev) answers /console/* with console.html, as backend/web.py does in production. */
const consoleEntry = (): Plugin => ({
  name: 'anxun-console-entry',
  configureServer(server) {
    server.middlewares.use((req: { url?: string }, _res: unknown, next: () => void) => {
      if (req.url && CONSOLE_PAGES.test(req.url) && !req.url.includes('.')) req.url = '/console.html'
      next()
    })
  },
})

export default defineConfig({
  plugins: [
    vue(),
    consoleEntry(),
    Components({ resolvers: [VantResolver(), ElementPlusResolver({ importStyle: 'css' })], dts: false }),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      manifest: {
        name: '安巡 AnXun',
        short_name: '安巡',
        description: '安全巡查与隐患整改',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#f5f6f8',
        theme_color: '#1f6fd1',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // the QR reader's .wasm too: live scanning must work offline (precached after the first
        // render, never fetched by the first screen itself)
        globPatterns: ['**/*.{js,css,html,svg,png,woff2,woff,ttf,wasm}'],
        globIgnores: [...GROUP_VIEW_FILES, ...CONSOLE_FILES, 'console.html'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [...SERVER_PATHS, CONSOLE_PAGES],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        // API data is cached by the app itself in IndexedDB (per user); evidence goes through the
        // app's outbox, never through a service-worker queue that drops entries on any response.
        runtimeCaching: [],
      },
    }),
  ],
  build: {
    target: 'es2020',
    chunkSizeWarningLimit: 600,
    rolldownOptions: { input: { index: 'index.html', console: 'console.html' }, output: { codeSplitting: { groups: [
      { name: 'group-views', test: GROUP_VIEWS, includeDependenciesRecursively: false },
      { name: later(LATER_UI, 'console-ui'), test: CONSOLE_UI, includeDependenciesRecursively: false },
      { name: consoleChunk, test: CONSOLE, includeDependenciesRecursively: false },
    ] } } },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts'],
    server: { deps: { inline: ['vant'] } },
  },
})

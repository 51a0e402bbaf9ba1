import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import type { MessageKey } from './lib/i18n'
import { isLoggedIn } from './lib/session'
// 首页 is the first screen: in the entry chunk, not a second round trip
import HomePage from './pages/HomePage.vue'

declare module 'vue-router' {
  interface RouteMeta {
    title?: MessageKey
    tab?: boolean
    public?: boolean
    /** a screen of its own: no nav bar, no tab bar (the wall screen, the printed report) */
    bare?: boolean
  }
}

const groupViews = () => import('./room/guard').then((m) => m.groupViewsGuard())

const routes: RouteRecordRaw[] = [
  { path: '/login', component: () => import('./pages/LoginPage.vue'), meta: { public: true, title: 'login.title' } },
  { path: '/', component: HomePage, meta: { tab: true, title: 'home.title' } },
  { path: '/patrol', component: () => import('./pages/PatrolPage.vue'), meta: { tab: true, title: 'patrol.title' } },
  { path: '/patrol/:id', component: () => import('./pages/ChecklistPage.vue'), meta: { title: 'patrol.title' } },
  { path: '/s/:code', component: () => import('./pages/SiteCodePage.vue'), meta: { title: 'patrol.scan' } },
  { path: '/snap', component: () => import('./pages/SnapPage.vue'), meta: { tab: true, title: 'snap.title' } },
  { path: '/hazards', component: () => import('./pages/HazardListPage.vue'), meta: { tab: true, title: 'hazards.title' } },
  { path: '/hazards/:id', component: () => import('./pages/HazardDetailPage.vue'), meta: { title: 'hazards.title' } },
  { path: '/me', component: () => import('./pages/MePage.vue'), meta: { tab: true, title: 'me.title' } },
  { path: '/notifications', component: () => import('./pages/NotificationsPage.vue'), meta: { title: 'notice.title' } },
  { path: '/campaigns', component: () => import('./pages/CampaignListPage.vue'), meta: { title: 'campaign.title' } },
  { path: '/campaigns/:id', component: () => import('./pages/CampaignDetailPage.vue'), meta: { title: 'campaign.title' } },
  { path: '/escalations', component: () => import('./pages/EscalationsPage.vue'), meta: { title: 'escalation.title' } },
  { path: '/queue', component: () => import('./pages/QueuePage.vue'), meta: { title: 'sync.queue' } },
  // the group views: desk and wall pages that phones never load (their chunks are not precached)
  { path: '/control', component: () => import('./pages/ControlRoomPage.vue'), meta: { bare: true }, beforeEnter: groupViews },
  { path: '/report/monthly', component: () => import('./pages/MonthlyReportPage.vue'), meta: { bare: true }, beforeEnter: groupViews },
  // the desk console (/console) is an entry of its own (console.html, src/console/router.ts)
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach((to) => {
  if (!to.meta.public && !isLoggedIn.value) return { path: '/login', query: { next: to.fullPath } }
  return true
})

/** The console's routes (its own entry, console.html). Signing in is the phone app's page: a full page
 *  load there and back (`/login?next=`), as is anything outside /console. */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { isLoggedIn } from '../lib/session'

const routes: RouteRecordRaw[] = [
  {
    path: '/console', component: () => import('./ConsoleLayout.vue'),
    children: [
      { path: 'hazards', component: () => import('./HazardsPage.vue') },
      { path: 'plans', component: () => import('./plans/PlansPage.vue') },
      { path: 'campaigns', component: () => import('./campaigns/CampaignsPage.vue') },
      { path: 'sites', component: () => import('./sites/SitesPage.vue') },
      { path: 'modules', component: () => import('./modules/ModulesPage.vue') },
      { path: 'modules/:id(\\d+)', component: () => import('./modules/ModuleDetailPage.vue') },
      { path: 'modules/:id(\\d+)/edit', component: () => import('./modules/ModuleEditorPage.vue') },
      { path: 'records/:tab?', component: () => import('./records/RecordsPage.vue') },
      { path: 'users', component: () => import('./users/UsersPage.vue') },
      { path: 'integrations', component: () => import('./integrations/IntegrationsPage.vue') },
      { path: 'audit', component: () => import('./audit/AuditPage.vue') },
    ],
  },
  // the label sheet: a page of its own, to print (no console frame around it)
  { path: '/console/sites/labels', component: () => import('./sites/LabelsPage.vue') },
  { path: '/:pathMatch(.*)*', redirect: '/console' },
]

export const consoleRouter = createRouter({ history: createWebHistory(), routes })

/** Leave the console for a page of the phone app (a full page load: another entry). */
export function leaveFor(path: string): void {
  window.location.assign(path)
}

consoleRouter.beforeEach((to) => {
  if (isLoggedIn.value) return true
  leaveFor(`/login?next=${encodeURIComponent(to.fullPath)}`)
  return false
})

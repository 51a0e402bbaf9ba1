/** The console's side menu: the screens that exist, each shown only to the roles that may use it
 *  (the server still decides every request). */
import type { Rights } from '../lib/campaigns'
import type { ConsoleKey } from './i18n'
import { readsRecords } from './records/rights'

export interface MenuItem {
  path: string
  title: ConsoleKey
  /** a page of the app outside the console (opened in a tab of its own) */
  external?: boolean
}

export interface Who {
  roles: readonly string[]
  /** the user's center: an admin without one reads no center's hazards */
  centerId: number | null | undefined
  /** GET /me's capabilities.group_views (质监办, leaders) */
  groupViews: boolean
  /** GET /me's capabilities.campaigns (lib/campaigns.ts rightsOf) */
  campaigns: Pick<Rights, 'all_centers' | 'dispatch' | 'submit_receipt'>
}

/** who reads hazards (backend readable_hazards: their center's, every center for qa/leader) */
const HAZARD_READERS = ['inspector', 'center_manager', 'qa_officer', 'leader']

/** who reads patrol coverage (backend plans/router.py CoverageReader): the plans screen is theirs; an
 *  inspector's plans reach them as tasks on the phone */
const COVERAGE_READERS = ['center_manager', 'qa_officer', 'leader']

/** who reads sites (backend readable_sites: every role, their center's or the whole group's) */
const SITE_READERS = ['inspector', 'center_manager', 'qa_officer', 'leader', 'admin']

/** who reads the audit log (backend/audit/router.py AuditReader) */
const AUDIT_READERS = ['qa_officer', 'admin']

const holds = (who: Who, roles: readonly string[]): boolean => who.roles.some((r) => roles.includes(r))

/** The menu in its order: the daily work (hazards, plans, campaigns), the catalogues (sites, modules),
 *  the group's tables, administration, and the group views (a tab of their own). */
export function menuFor(who: Who): MenuItem[] {
  const items: MenuItem[] = []
  if (holds(who, HAZARD_READERS) || (who.roles.includes('admin') && who.centerId != null)) {
    items.push({ path: '/console/hazards', title: 'menu.hazards' })
  }
  if (holds(who, COVERAGE_READERS)) items.push({ path: '/console/plans', title: 'menu.plans' })
  // the campaigns screen follows 回执: who dispatches them, reads every center's, or submits a center's
  // (an inspector's campaign work is a task on the phone)
  const c = who.campaigns
  if (c.dispatch || c.all_centers || c.submit_receipt) items.push({ path: '/console/campaigns', title: 'menu.campaigns' })
  if (holds(who, SITE_READERS)) items.push({ path: '/console/sites', title: 'menu.sites' })
  // every signed-in user reads the checklists (GET /modules); editing is for MODULE_EDITORS
  if (who.roles.length) items.push({ path: '/console/modules', title: 'menu.modules' })
  if (readsRecords({ roles: who.roles, centerId: who.centerId })) items.push({ path: '/console/records', title: 'menu.records' })
  // the admin screens: backend AdminUser (users, API keys, webhooks) and AuditReader (audit)
  if (who.roles.includes('admin')) {
    items.push({ path: '/console/users', title: 'menu.users' }, { path: '/console/integrations', title: 'menu.integrations' })
  }
  if (holds(who, AUDIT_READERS)) items.push({ path: '/console/audit', title: 'menu.audit' })
  if (who.groupViews) {
    items.push({ path: '/control', title: 'menu.controlRoom', external: true },
      { path: '/report/monthly', title: 'menu.monthlyReport', external: true })
  }
  return items
}

/** who may assign (五定): a center's manager, or 质监办 (backend workflow: assign's actors) */
export function mayAssign(roles: readonly string[]): boolean {
  return roles.includes('center_manager') || roles.includes('qa_officer')
}

/** who creates, edits and pauses plans: a center's manager for their center, 质监办 for any (backend
 *  plans/service.py MANAGERS); leaders read */
export function mayManagePlans(roles: readonly string[]): boolean {
  return roles.includes('center_manager') || roles.includes('qa_officer')
}

/** who may publish a module's new version (backend modules/router.py: ModuleEditor) */
const MODULE_EDITORS = ['qa_officer', 'admin']
export const mayEditModules = (roles: readonly string[]): boolean => roles.some((r) => MODULE_EDITORS.includes(r))

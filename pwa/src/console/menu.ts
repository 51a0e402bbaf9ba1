/** The console's side menu: the screens that exist, each shown only to the roles that may use it
 *  (the server still decides every request). */
import type { Rights } from '../lib/campaigns'
import type { ConsoleKey } from './i18n'

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

export function menuFor(who: Who): MenuItem[] {
  const items: MenuItem[] = []
  if (who.roles.some((r) => HAZARD_READERS.includes(r)) || (who.roles.includes('admin') && who.centerId != null)) {
    items.push({ path: '/console/hazards', title: 'menu.hazards' })
  }
  if (who.roles.some((r) => COVERAGE_READERS.includes(r))) items.push({ path: '/console/plans', title: 'menu.plans' })
  // the campaigns screen follows 回执: who dispatches them, reads every center's, or submits a center's
  // (an inspector's campaign work is a task on the phone)
  const c = who.campaigns
  if (c.dispatch || c.all_centers || c.submit_receipt) items.push({ path: '/console/campaigns', title: 'menu.campaigns' })
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

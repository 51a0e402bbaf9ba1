import { showToast } from 'vant'
import type { RouteLocationRaw } from 'vue-router'
import { capabilities } from '../lib/cache'
import { rt } from './i18n'

/** The group views (总控制室, 月报) open for whom GET /me says may read them (质监办, leaders);
 *  anyone else goes back to 首页 with a word why. Loaded with the route, not by the first screen. */
export async function groupViewsGuard(): Promise<true | RouteLocationRaw> {
  if ((await capabilities()).group_views) return true
  showToast({ message: rt('room.forbidden'), duration: 3000 })
  return { path: '/' }
}

/** A due task tapped on the home screen: its module's checklist at its site, resumed when this phone
 *  already has one under way there, else started as PatrolPage starts one (from the cached checklist). */
import type { ModuleVersionOut } from '../api/types'
import { cachedSite, moduleDetail, readCache } from './cache'
import { startInspection } from './capture'
import { db } from './db'
import { draftFor, type TaskOut } from './tasks'

export async function openTask(userId: number, task: TaskOut): Promise<string> {
  const onPhone = await (await db()).getAllFromIndex('drafts', 'user', userId)
  const resumed = draftFor(onPhone, task.site_id, task.module_id)
  if (resumed) return `/patrol/${resumed.id}`
  // the version the phone's checklist was built from binds the inspection (see PatrolPage.start)
  const cached = await readCache<ModuleVersionOut>(`/modules/${task.module_id}`)
  const detail = cached ? cached.data : await moduleDetail(task.module_id)
  const site = await cachedSite(task.site_id)
  const draft = await startInspection(userId, {
    moduleId: task.module_id, moduleName: detail.name, versionId: detail.version_id, siteId: task.site_id,
    siteName: site?.name ?? task.site_name, checkin: 'list',
  }, task.kind)
  return `/patrol/${draft.id}`
}

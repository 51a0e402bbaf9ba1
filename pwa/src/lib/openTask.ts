/** A due task tapped on the home screen: its module's checklist at its site, resumed when this phone
 *  already has one under way there, else started as PatrolPage starts one (from the cached checklist). */
import type { Router } from 'vue-router'
import { showDialog, showToast } from 'vant'
import { cachedSite, checklistToStart } from './cache'
import { startInspection } from './capture'
import { db, StorageFullError } from './db'
import { t } from './i18n'
import { session } from './session'
import { draftFor, type TaskOut } from './tasks'

export async function openTask(userId: number, task: TaskOut): Promise<string> {
  const onPhone = await (await db()).getAllFromIndex('drafts', 'user', userId)
  const resumed = draftFor(onPhone, task.site_id, task.module_id, task.kind)
  if (resumed) return `/patrol/${resumed.id}`
  // the version the phone's checklist was built from binds the inspection (see PatrolPage.start)
  const detail = await checklistToStart(task.module_id)
  const site = await cachedSite(task.site_id)
  const draft = await startInspection(userId, {
    moduleId: task.module_id, moduleName: detail.name, versionId: detail.version_id, siteId: task.site_id,
    siteName: site?.name ?? task.site_name, checkin: 'list',
  }, task.kind)
  return `/patrol/${draft.id}`
}

/** A due task tapped (今日任务, a campaign's page), or a missed one opened ``late`` from its 漏检 notice: its
 *  checklist opened, or why it cannot be. */
export async function goToTask(router: Router, task: TaskOut, late = false): Promise<void> {
  const uid = session.user?.id
  if ((task.state !== 'due' && !(late && task.state === 'missed')) || uid === undefined) return
  try {
    await router.push(await openTask(uid, task))
  } catch (err) {
    if (err instanceof StorageFullError) await showDialog({ message: err.message })
    else showToast(t('patrol.notCached'))
  }
}

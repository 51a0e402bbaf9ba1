/** How the admin screens ask before an act and say how it went: a confirmation box (red for what
 *  cannot be undone), then a toast with the outcome or the server's refusal as it said it. */
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import { ct } from './i18n'

export function confirmed(title: string, body: string, opts: { ok?: string; danger?: boolean } = {}): Promise<boolean> {
  return ElMessageBox.confirm(body, title, {
    type: 'warning', confirmButtonText: opts.ok ?? ct('common.confirm'), cancelButtonText: ct('common.cancel'),
    confirmButtonClass: opts.danger ? 'el-button--danger' : undefined,
  }).then(() => true, () => false)
}

/** Run `act`; say `done` when it worked, the server's refusal (`refused` with `{m}`) when not. */
export async function attempt(act: () => Promise<unknown>, done: string, refused: (m: string) => string): Promise<boolean> {
  try {
    await act()
    ElMessage.success(done)
    return true
  } catch (err) {
    ElMessage.error(refused(err instanceof Error ? err.message : String(err)))
    return false
  }
}

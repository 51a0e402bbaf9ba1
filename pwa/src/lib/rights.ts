/** The signed-in user's rights over 专项检查 and 逾期升级, shared by the pages that show them. */
import { ref } from 'vue'
import { capabilities } from './cache'
import { rightsOf, type Rights } from './campaigns'
import { session } from './session'

const fromRoles = (): Rights => rightsOf(null, session.user?.roles ?? [], session.user?.center_id)

/** the roles' guess until GET /me (or its copy on the phone) answers */
export const rights = ref<Rights>(fromRoles())

export async function loadRights(): Promise<Rights> {
  rights.value = fromRoles()  // another user may have signed in since
  rights.value = rightsOf(await capabilities(), session.user?.roles ?? [], session.user?.center_id)
  return rights.value
}

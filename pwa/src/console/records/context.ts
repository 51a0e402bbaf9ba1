import { inject, provide, type ComputedRef, type InjectionKey, type Ref } from 'vue'
import type { CenterOut } from '../../api/types'
import type { ActionCampaign } from './api'
import type { Person } from './rights'

/** What every tab of the records screen shares: who is looking, the centers, the center picked (null:
 *  every center, for 质监办 and leaders) and the three-year action picked (its years and due days). */
export interface RecordsContext {
  person: Person
  centers: Ref<CenterOut[]>
  centerId: Ref<number | null>
  actions: Ref<ActionCampaign[]>
  action: ComputedRef<ActionCampaign | null>
  wholeGroup: boolean
  centerName: (id: number) => string
  reloadActions: () => Promise<void>
}

const KEY: InjectionKey<RecordsContext> = Symbol('records')

export const provideRecords = (ctx: RecordsContext): void => provide(KEY, ctx)

export function useRecordsContext(): RecordsContext {
  const ctx = inject(KEY)
  if (!ctx) throw new Error('records tab outside RecordsPage')
  return ctx
}

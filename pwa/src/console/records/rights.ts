/** Who may do what on the records screen, from the user's roles: the same rules the server applies
 *  (backend/records/access.py, kinds.py, actions.py; evaluation/service.py), so the screen offers
 *  only what will be accepted. The server still decides every request. */

export type RecordsTab = 'status' | 'table1' | 'table2' | 'table3' | 'trainings' | 'accountability' | 'evaluation'

export interface Person {
  roles: readonly string[]
  centerId: number | null | undefined
}

const has = (p: Person, ...roles: string[]): boolean => p.roles.some((r) => roles.includes(r))

/** Reads the records at all: a center's inspectors and managers their own center's, 质监办 and leaders every center's. */
export const readsRecords = (p: Person): boolean => has(p, 'inspector', 'center_manager', 'qa_officer', 'leader')
/** Reads every center's records (质监办, leaders), so picks the center. */
export const readsWholeGroup = (p: Person): boolean => has(p, 'qa_officer', 'leader')
/** Changes a center's 附表1/2/3 rows and trainings: 质监办 any center's, a center manager their own. */
export const writesCenter = (p: Person, centerId: number | null): boolean =>
  has(p, 'qa_officer') || (has(p, 'center_manager') && centerId !== null && centerId === p.centerId)
/** 通报 and 约谈 are recorded by 质监办 and read by managers (of their center), 质监办 and leaders. */
export const writesAccountability = (p: Person): boolean => has(p, 'qa_officer')
/** Hands in their center's tables: a center manager. */
export const submitsTables = (p: Person, centerId: number): boolean => has(p, 'center_manager') && p.centerId === centerId
/** Starts and changes the three-year actions (质监办). */
export const managesActions = (p: Person): boolean => has(p, 'qa_officer')

/** The tabs the user's roles may use, in the screen's order. */
export function tabsFor(p: Person): RecordsTab[] {
  if (!readsRecords(p)) return []
  const tabs: RecordsTab[] = ['status', 'table1', 'table2', 'table3', 'trainings']
  if (has(p, 'center_manager', 'qa_officer', 'leader')) tabs.push('accountability', 'evaluation')
  return tabs
}

// Names for the generated OpenAPI schema types (src/api/schema.d.ts, `npm run gen:api`).
import type { components } from './schema'

type S = components['schemas']
export type UserOut = S['UserOut']
export type LoginOut = S['LoginOut']
export type CenterOut = S['CenterOut']
export type CampusOut = S['CampusOut']
export type SiteOut = S['SiteOut']
export type ModuleSummary = S['ModuleSummary']
export type ModuleVersionOut = S['ModuleVersionOut']
export type ItemOut = S['ItemOut']
export type PhotoOut = S['PhotoOut']
export type HazardOut = S['HazardOut']
export type HazardDetailOut = S['HazardDetailOut']
export type HazardCreateIn = S['HazardCreateIn']
export type EventOut = S['EventOut']
export type InspectionOut = S['InspectionOut']
export type InspectionDetailOut = S['InspectionDetailOut']
export type InspectionCreateIn = S['InspectionCreateIn']
export type AnswerIn = S['AnswerIn']
export type MemberOut = S['MemberOut']
export type Status = S['Status']
export type Action = S['PublicAction']
export type Category = S['Category']
export type Grade = S['Grade']
export type Role = S['Role']
export type AnswerResult = S['AnswerResult']
export type InspectionKind = S['InspectionKind']
export type TodoOut = S['TodoOut']
export type TrainingOut = S['TrainingOut']
export type EvaluationOut = S['EvaluationOut']
export type Page<T> = { items: T[]; next_cursor: string | null }

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> | null }
}

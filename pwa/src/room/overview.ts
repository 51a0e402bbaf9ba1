// The control room's API shapes. TEMPORARY hand copy of backend/stats/schemas.py (branch stats12)
// until that branch lands and `make api-types` generates them: then these become S['...'] names.
import type { Category, Grade, Status } from '../api/types'

export interface Figures {
  open: number; major_open: number; overdue: number
  reported: number; cancelled: number; closed: number; closed_on_time: number
  closure_rate: number | null; on_time_rate: number | null
  tasks_due: number; tasks_done: number; tasks_missed: number; tasks_pending: number
  completion_rate: number | null
}
export interface CenterFigures extends Figures { center_id: number; name: string }
export interface Week { starts_on: string; reported: number; closed: number }
export interface CampaignReceipts {
  campaign_id: number; title: string; kind: 'special' | 'holiday'
  starts_on: string; ends_on: string; receipt_due_on: string
  centers: number; submitted: number; submitted_late: number; pending: number; pending_late: number
}
export interface OverviewOut {
  generated_at: string; today: string; starts_on: string; ends_on: string; center_id: number | null
  totals: Figures
  centers: CenterFigures[]
  open: { total: number; by_status: Partial<Record<Status, number>>; by_grade: Partial<Record<Grade, number>>;
    by_category: Partial<Record<Category, number>> }
  overdue: { count: number; oldest: { hazard_id: number; title: string; center_id: number; site_id: number;
    grade: Grade; deadline: string; days_overdue: number } | null }
  days_to_close: { closed: number; median: number | null; p90: number | null }
  weekly: Week[]
  campaigns: CampaignReceipts[]
}
export interface StreamEvent {
  id: number; event_id: string; type: string; at: string; center_id: number | null
  object_type: string; object_id: number; actor_id: number | null; data: Record<string, unknown>
}

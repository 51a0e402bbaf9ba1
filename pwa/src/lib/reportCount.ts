import type { OutboxEntry } from './db'

export interface ReportCount {
  /** reports waiting: a hazard with its photos, an inspection with its answers and submit, … */
  pending: number
  /** reports with at least one parked (需处理) entry */
  attention: number
}

/** The badge counts what the inspector made, not the outbox's internal entries: the entries of one
 *  object (a hazard and its photos, an inspection's start, answers and submit) are one report. */
export function countReports(entries: readonly Pick<OutboxEntry, 'object' | 'state'>[]): ReportCount {
  const objects = new Set<string>()
  const parked = new Set<string>()
  for (const e of entries) {
    objects.add(e.object)
    if (e.state === 'attention') parked.add(e.object)
  }
  return { pending: objects.size, attention: parked.size }
}

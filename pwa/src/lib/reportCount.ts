import type { EntryError, OutboxEntry } from './db'

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

/** One row of the queue: everything queued for one object, sent in order. */
export interface Report {
  object: string
  entries: OutboxEntry[]
  /** what the row is named after: the report, action or checklist step (a photo only when alone) */
  main: OutboxEntry
  /** the parked entry (需处理) holding the report back: its reason is shown, 去修改 and 重试 act on it */
  parked?: OutboxEntry
  /** the latest problem: the parked entry's, else a retried entry's (e.g. no network) */
  error?: EntryError
  photos: number
  /** retries of the entry being retried (0: waiting for its first try) */
  attempts: number
  createdAt: number
}

/** What names a report: a hazard over its later actions, a checklist's last step over its first. */
const RANK: Record<OutboxEntry['kind'], number> = {
  hazard: 6, inspection_delete: 5, inspection_submit: 4, inspection_answers: 3, inspection_start: 2, hazard_action: 1, photo: 0,
}

/** The queue as the inspector sees it: one report per object, in the order they were made. */
export function groupReports(entries: readonly OutboxEntry[]): Report[] {
  const byObject = new Map<string, OutboxEntry[]>()
  for (const e of [...entries].sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0))) {
    byObject.set(e.object, [...(byObject.get(e.object) ?? []), e])
  }
  return [...byObject].map(([object, list]) => {
    const main = list.reduce((best, e) => (RANK[e.kind] > RANK[best.kind] ? e : best))
    const parked = list.find((e) => e.state === 'attention')
    const tried = list.find((e) => e.attempts > 0 && e.error)
    return {
      object, entries: list, main, parked, error: parked?.error ?? tried?.error,
      photos: list.filter((e) => e.kind === 'photo').length,
      attempts: parked ? 0 : Math.max(0, ...list.map((e) => e.attempts)),
      createdAt: Math.min(...list.map((e) => e.createdAt)),
    }
  })
}

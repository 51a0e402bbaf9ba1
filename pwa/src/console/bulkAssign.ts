/** Bulk assign (五定): one plan sent to each selected hazard, one request each, in turn. A row is
 *  reported assigned only when the server answered it with the hazard assigned; a refusal keeps the
 *  server's reason; a lost answer is "unknown" (its Idempotency-Key makes a retry safe: the server
 *  returns the first result instead of assigning twice). tests/console.test.ts */
import { ApiError, NetworkError } from '../api/client'
import type { HazardDetailOut } from '../api/types'
import { uuid } from '../lib/format'
import { refusalText } from '../lib/refusal'

export interface Target { id: number; title: string; version: number; key?: string }

export type RowResult =
  | { id: number; title: string; outcome: 'assigned'; hazard: HazardDetailOut }
  | { id: number; title: string; outcome: 'refused'; reason: string; code: string }
  | { id: number; title: string; outcome: 'unknown'; key: string; version: number }

export type Send = (id: number, body: Record<string, unknown>, opts: { key: string; version: number }) => Promise<HazardDetailOut>

export async function bulkAssign(targets: readonly Target[], body: Record<string, unknown>, send: Send,
  progress: (done: number) => void = () => undefined): Promise<RowResult[]> {
  const out: RowResult[] = []
  for (const t of targets) {
    const key = t.key ?? uuid()
    try {
      const hazard = await send(t.id, body, { key, version: t.version })
      // a 2xx is the server's word that it was assigned (a retry's 200 with the same key: it was, earlier)
      out.push({ id: t.id, title: t.title, outcome: 'assigned', hazard })
    } catch (err) {
      if (err instanceof ApiError) {
        out.push({ id: t.id, title: t.title, outcome: 'refused', code: err.code,
          reason: refusalText({ status: err.status, code: err.code, message: err.message, details: err.details }) })
      } else if (err instanceof NetworkError) {
        out.push({ id: t.id, title: t.title, outcome: 'unknown', key, version: t.version })
      } else throw err
    }
    progress(out.length)
  }
  return out
}

/** The rows to send again: those whose answer was lost, with the same keys. */
export const retryTargets = (results: readonly RowResult[]): Target[] =>
  results.flatMap((r) => (r.outcome === 'unknown' ? [{ id: r.id, title: r.title, version: r.version, key: r.key }] : []))

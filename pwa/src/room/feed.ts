/** The control room's live feed: which domain events it shows, newest first, each once. */

export type FeedKind = 'reported' | 'closed' | 'fixed'

const KINDS: Record<string, FeedKind> = {
  'hazard.reported': 'reported', 'hazard.closed': 'closed', 'hazard.fixed_on_spot': 'fixed',
}

/** The feed's kind of a domain event type, or null when the feed does not show it (the figures
 *  still refresh on every event). */
export function feedKind(type: string): FeedKind | null {
  return KINDS[type] ?? null
}

export interface FeedItem {
  key: string
  kind: FeedKind
  at: string
  hazardId: number
  title: string
  centerId: number | null
  major: boolean
}

/** The feed with `item` added: newest first by time, one line per key, at most `max` lines. */
export function addToFeed(feed: readonly FeedItem[], item: FeedItem, max = 30): FeedItem[] {
  return [item, ...feed.filter((f) => f.key !== item.key)]
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, max)
}

/** Calls `fn` once, `ms` after the last of a burst of calls (an import of 50 hazards is one
 *  refresh of the figures, not 50). */
export function debounce(fn: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null
  const call = (): void => {
    if (timer !== null) clearTimeout(timer)
    timer = setTimeout(() => { timer = null; fn() }, ms)
  }
  call.cancel = (): void => { if (timer !== null) clearTimeout(timer) }
  return call
}

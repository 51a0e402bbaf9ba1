/** A checklist judged at its site: a number item's limit can depend on the building's height
 *  (limits_from_height), which the phone reads from its cache first and from the server after;
 *  readings typed before the height was known are judged again with it. */
import type { LocalAnswer } from './db'
import { answerResult, type Result, type RuleItem, type RuleSite } from './rules'

/** The number answers whose stored result is not the one at this site, each with the right result. */
export function rejudged<I extends RuleItem & { id: number }>(items: readonly I[],
  answers: Readonly<Record<string, LocalAnswer>>, site: RuleSite | null): Array<[I, { result: Result }]> {
  const out: Array<[I, { result: Result }]> = []
  for (const item of items) {
    const answer = answers[String(item.id)]
    if (item.kind !== 'number' || !answer || answer.result === 'na') continue
    if (answer.value === null || answer.value === undefined) continue
    const result = answerResult(item, { value: answer.value }, site)
    if (result && result !== answer.result) out.push([item, { result }])
  }
  return out
}

/** What the checklist says about the building when a limit depends on its height: the height, or
 *  'unknown' (not recorded, or the site not on this phone: the stricter limits apply); null when no
 *  item's limit depends on it. */
export function heightNote(items: readonly RuleItem[], site: RuleSite | null): number | 'unknown' | null {
  if (!items.some((i) => i.kind === 'number' && i.limits_from_height)) return null
  const height = site?.building_height_m
  return height === null || height === undefined ? 'unknown' : height
}

/** The checklist rules, the same as the server's (backend/inspections/rules.py `answer_result`
 *  and `problems`): both are tested against tests/rules/checklist_cases.json. */

export type Result = 'pass' | 'fail' | 'na'
export type Problem = 'unanswered' | 'value_required' | 'photo_required' | 'after_photo_required' | 'reason_required'

export interface RuleItem {
  kind: 'pass_fail' | 'number' | 'text' | 'photo'
  min_value?: number | null
  max_value?: number | null
  unit?: string | null
  photo_required_on_fail?: boolean
  major_if_failed?: boolean
  /** from this building height up (or where the height is not recorded), these limits apply */
  limits_from_height?: { height_m: number; min?: number | null; max?: number | null } | null
  /** asked only at sites with this attribute */
  only_if_site?: 'large_span_roof' | null
}

/** What about the site changes a limit. */
export interface RuleSite {
  building_height_m?: number | null
  large_span_roof?: boolean
}

/** Whether the item is asked at this site (a site not known: asked). */
export function applies(item: RuleItem, site?: RuleSite | null): boolean {
  if (!item.only_if_site) return true
  const has = site?.[item.only_if_site]
  return has === undefined || has === null || has
}

export interface RuleAnswer {
  result?: Result | null
  value?: number | null
  fixed_on_spot?: boolean
  /** the inspector's note: the reason when a major item is 不适用 */
  note?: string | null
  /** how many photos the answer has (before / after the fix on the spot) */
  photos?: number
  after_photos?: number
}

const given = (v: number | null | undefined): v is number => v !== null && v !== undefined

/** The passing range at a site: the item's limits_from_height from that building height up, or
 *  where the height is not recorded (the safe side); otherwise min/max. */
export function limitsAt(item: RuleItem, site?: RuleSite | null): { min: number | null; max: number | null } {
  const tall = item.limits_from_height
  const height = site?.building_height_m
  if (tall && (!given(height) || height >= tall.height_m)) return { min: tall.min ?? null, max: tall.max ?? null }
  return { min: item.min_value ?? null, max: item.max_value ?? null }
}

/** The result the server stores: a number item's value decides it, unless it is 不适用. */
export function answerResult(item: RuleItem, answer: RuleAnswer, site?: RuleSite | null): Result | null {
  if (item.kind === 'number' && given(answer.value) && answer.result !== 'na') {
    const { min, max } = limitsAt(item, site)
    const low = given(min) ? min : answer.value
    const high = given(max) ? max : answer.value
    return low <= answer.value && answer.value <= high ? 'pass' : 'fail'
  }
  return answer.result ?? null
}

/** What a submit refuses for this item (null: unanswered), in the server's order. */
export function problems(item: RuleItem, answer: RuleAnswer | null, site?: RuleSite | null): Problem[] {
  const result = answer ? answerResult(item, answer, site) : null
  if (!answer || result === null) return applies(item, site) ? ['unanswered'] : []
  const out: Problem[] = []
  if (item.kind === 'number' && !given(answer.value) && result !== 'na') out.push('value_required')
  if (result === 'fail') {
    if (item.photo_required_on_fail && !answer.photos) out.push('photo_required')
    if (answer.fixed_on_spot && !answer.after_photos) out.push('after_photo_required')
  }
  if (item.kind === 'photo' && result === 'pass' && !answer.photos) out.push('photo_required')
  // 不适用 on a major item hides a major hazard unless somebody says why
  if (item.major_if_failed && result === 'na' && !(answer.note ?? '').trim()) out.push('reason_required')
  return out
}

/** Only pass/fail and photo items are judged by the inspector; a number's value judges it and a
 *  text item is answered by its text (both can still be 不适用). */
export function needsJudgement(item: RuleItem): boolean {
  return item.kind === 'pass_fail' || item.kind === 'photo'
}

/** The passing range as people write it: "≥ 70 ℃", "≤ 4 ℃", "2–8 ℃"; empty without limits. */
export function limitText(item: RuleItem, site?: RuleSite | null): string {
  const unit = item.unit ? ` ${item.unit}` : ''
  const { min, max } = limitsAt(item, site)
  if (given(min) && given(max)) return `${min}–${max}${unit}`
  if (given(min)) return `≥ ${min}${unit}`
  if (given(max)) return `≤ ${max}${unit}`
  return ''
}

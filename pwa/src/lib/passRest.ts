/** 其余全部合格: which of a checklist's items one tap marks as passed. */
import type { LocalAnswer } from './db'
import { needsJudgement, type RuleItem } from './rules'

export interface PassRest<I> {
  /** unanswered items the inspector judges (pass/fail and photo items): marked 合格 */
  pass: I[]
  /** of those, photo items without a photo: still refused at submit (problem photo_required) */
  needPhoto: I[]
  /** unanswered number and text items: a reading or a text answers them, never this button */
  stillOpen: I[]
}

const unanswered = (a: LocalAnswer | undefined): boolean => !a || a.result === null || a.result === undefined

export function passRest<I extends RuleItem & { id: number }>(items: readonly I[],
  answers: Readonly<Record<string, LocalAnswer>>): PassRest<I> {
  const open = items.filter((i) => unanswered(answers[String(i.id)]))
  const pass = open.filter(needsJudgement)
  return {
    pass,
    needPhoto: pass.filter((i) => i.kind === 'photo' && !answers[String(i.id)]?.photos.length),
    stillOpen: open.filter((i) => !needsJudgement(i)),
  }
}

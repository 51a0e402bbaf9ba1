/** The server's refusal in words a form can show: a validation error names the field and what is
 *  wrong with it (pydantic's own text is English), other errors keep the server's Chinese message. */
import type { EntryError } from './db'
import { t, type MessageKey } from './i18n'

const FIELDS: Record<string, MessageKey> = {
  reason: 'form.reason', comment: 'form.comment', description: 'form.description', measures: 'hazard.measures',
  interim_measures: 'hazard.interim', cost_estimate: 'hazard.cost', deadline: 'hazard.deadline', assignee_id: 'hazard.assignee',
  title: 'hazard.description', site_id: 'snap.site', category: 'snap.category', grade: 'snap.grade', photo_ids: 'check.photos',
  done: 'receipt.done', findings_count: 'receipt.findings', note: 'receipt.note',
}
const PROBLEMS: Record<string, MessageKey> = {
  string_too_short: 'refusal.tooShort', string_too_long: 'refusal.tooLong', missing: 'refusal.missing',
}

interface FieldError { loc?: string[]; type?: string }

export function refusalText(error: EntryError): string {
  const errors = (error.details?.errors ?? []) as FieldError[]
  const parts = error.code === 'validation_error' ? errors.flatMap((e) => {
    const field = FIELDS[e.loc?.at(-1) ?? '']
    if (!field) return []
    return [t(PROBLEMS[e.type ?? ''] ?? 'refusal.invalid', { f: t(field) })]
  }) : []
  const reason = parts.length ? parts.join('；') : error.message
  return t('form.refused', { m: reason })
}

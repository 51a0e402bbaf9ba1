/** The fields of a record's form, described once per kind: the generic form (RecordForm.vue) draws
 *  them, and `bodyOf` turns what was typed into the API's body (empty optional fields are null). */
import type { RecordsKey } from './strings'

export type FieldKind = 'text' | 'textarea' | 'date' | 'bool' | 'int' | 'select' | 'names'

export interface Field {
  name: string
  label: RecordsKey
  kind: FieldKind
  required?: boolean
  /** select: the values and their labels */
  options?: { value: string; label: RecordsKey }[]
  /** shown under the field */
  hint?: RecordsKey
  /** not changeable once created (e.g. a standard 附表1 row's title) */
  fixed?: (row: Record<string, unknown>) => boolean
}

export type FormValue = string | number | boolean | null | undefined
export type FormValues = Record<string, FormValue>

/** The form's starting values: the record's (names as lines), or empty. */
export function valuesOf(fields: readonly Field[], row: Record<string, unknown> | null): FormValues {
  const out: FormValues = {}
  for (const f of fields) {
    const v = row?.[f.name]
    out[f.name] = f.kind === 'names' ? (Array.isArray(v) ? v.join('\n') : '') : (v as FormValue) ?? (f.kind === 'bool' ? null : undefined)
  }
  return out
}

/** The API body: text trimmed, empty optional values null, names split on commas and lines. */
export function bodyOf(fields: readonly Field[], values: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of fields) {
    const v = values[f.name]
    if (f.kind === 'names') {
      const names = String(v ?? '').split(/[,，、\n]/).map((s) => s.trim()).filter(Boolean)
      out[f.name] = names.length ? names : null
    } else if (typeof v === 'string') {
      out[f.name] = v.trim() === '' ? null : v.trim()
    } else {
      out[f.name] = v ?? null
    }
  }
  return out
}

/** The required fields left empty. */
export const missing = (fields: readonly Field[], values: FormValues): string[] =>
  fields.filter((f) => f.required && (values[f.name] === null || values[f.name] === undefined || String(values[f.name]).trim() === ''))
    .map((f) => f.name)

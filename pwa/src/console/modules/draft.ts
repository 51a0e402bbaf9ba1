/** The module editor's model: the version it started from, the items as edited (in order, retired ones
 *  aside), and what is sent to POST /modules/{id}/versions. Pure functions (tests/moduleDraft.test.ts). */
import type { components } from '../../api/schema'
import type { ItemOut, ModuleVersionOut } from '../../api/types'

type S = components['schemas']
export type ItemIn = S['ItemIn']
export type ContentIn = S['ModuleContentIn']
export type SiteKind = S['SiteKind']

export interface DraftItem {
  /** stable through edits and moves: the item's code in the base version, `new-N` for an added one */
  key: string
  /** the item in the base version; null for an added item */
  base: ItemIn | null
  fields: ItemIn
  retired: boolean
}

export interface Draft {
  moduleId: number
  /** the version edited from: sent as If-Match, so a version published meanwhile is not overwritten */
  baseVersion: number
  name: string
  description: string
  standards: string[]
  site_kinds: SiteKind[]
  items: DraftItem[]
}

export function itemIn(item: ItemOut): ItemIn {
  return {
    code: item.code, text: item.text, kind: item.kind, photo_required_on_fail: item.photo_required_on_fail,
    category: item.category, default_grade: item.default_grade, major_if_failed: item.major_if_failed,
    standard: item.standard, min: item.min_value, max: item.max_value, unit: item.unit,
    limits_from_height: item.limits_from_height, only_if_site: item.only_if_site, method: item.method,
    advice: item.advice, rule: item.rule, major_basis: item.major_basis,
  }
}

export function draftFrom(v: ModuleVersionOut): Draft {
  return {
    moduleId: v.module_id, baseVersion: v.version, name: v.name, description: v.description ?? '',
    standards: [...v.standards], site_kinds: [...v.site_kinds],
    items: v.items.map((i) => ({ key: i.code, base: itemIn(i), fields: itemIn(i), retired: false })),
  }
}

const blank = (s: string | null | undefined): string | null => (s && s.trim() ? s.trim() : null)

/** What the server gets: the items in use, in order; empty texts as null, fields the kind does not use dropped. */
export function cleanItem(f: ItemIn): ItemIn {
  const number = f.kind === 'number'
  return {
    ...f, text: f.text.trim(), standard: blank(f.standard), method: blank(f.method), advice: blank(f.advice),
    unit: number ? blank(f.unit) : null, min: number ? f.min ?? null : null, max: number ? f.max ?? null : null,
    limits_from_height: number ? f.limits_from_height ?? null : null,
    default_grade: f.major_if_failed ? 'major' : f.default_grade,
    major_basis: f.major_if_failed ? blank(f.major_basis) : null,
  }
}

export const activeItems = (d: Draft): DraftItem[] => d.items.filter((i) => !i.retired)

export function contentOf(d: Draft): ContentIn {
  return {
    name: d.name.trim(), description: blank(d.description), standards: d.standards.map((s) => s.trim()).filter(Boolean),
    site_kinds: d.site_kinds, items: activeItems(d).map((i) => cleanItem(i.fields)),
  }
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)
export const itemChanged = (i: DraftItem): boolean => i.base !== null && !same(cleanItem(i.fields), cleanItem(i.base))

/** How many things differ from the base version (module details, each added / retired / changed item, the order). */
export function changeCount(d: Draft, base: ModuleVersionOut): number {
  const from = draftFrom(base)
  const meta = ['name', 'description', 'standards', 'site_kinds'] as const
  let n = meta.filter((k) => !same(contentOf(d)[k] ?? null, contentOf(from)[k] ?? null)).length
  n += d.items.filter((i) => i.base === null || i.retired || itemChanged(i)).length
  const order = (items: DraftItem[]) => items.filter((i) => i.base && !i.retired).map((i) => i.key)
  if (!same(order(d.items), order(from.items).filter((k) => order(d.items).includes(k)))) n += 1
  return n
}

export function addItem(d: Draft, category: ItemIn['category']): DraftItem {
  const codes = new Set(d.items.map((i) => i.fields.code))
  let n = d.items.length + 1
  while (codes.has(`item-${n}`)) n += 1
  const item: DraftItem = {
    key: `new-${n}`, base: null, retired: false,
    fields: { code: `item-${n}`, text: '', kind: 'pass_fail', photo_required_on_fail: true, category, default_grade: 'general', major_if_failed: false },
  }
  d.items.push(item)
  return item
}

/** Move an item in use to another place among the items in use (retired items keep no place). */
export function move(d: Draft, key: string, to: number): void {
  const active = activeItems(d)
  const from = active.findIndex((i) => i.key === key)
  if (from < 0 || to < 0 || to >= active.length || from === to) return
  const [item] = active.splice(from, 1)
  active.splice(to, 0, item!)
  d.items = [...active, ...d.items.filter((i) => i.retired)]
}

/** Retire an item (an added one is simply removed); restoring puts it back at the end. */
export function setRetired(d: Draft, key: string, retired: boolean): void {
  const item = d.items.find((i) => i.key === key)
  if (!item) return
  if (retired && item.base === null) d.items = d.items.filter((i) => i !== item)
  else {
    item.retired = retired
    d.items = [...activeItems(d), ...d.items.filter((i) => i.retired)]
  }
}

/** The phone's view of the draft: what the checklist component renders (ids are stand-ins). */
export function previewItems(d: Draft): ItemOut[] {
  return activeItems(d).map((i, index) => {
    const f = cleanItem(i.fields)
    return {
      id: -(index + 1), position: index + 1, code: f.code, text: f.text || '…', kind: f.kind,
      photo_required_on_fail: f.photo_required_on_fail, category: f.category, default_grade: f.default_grade ?? 'general',
      major_if_failed: f.major_if_failed ?? false, standard: f.standard ?? null, min_value: f.min ?? null, max_value: f.max ?? null,
      unit: f.unit ?? null, limits_from_height: f.limits_from_height ?? null, only_if_site: f.only_if_site ?? null,
      method: f.method ?? null, advice: f.advice ?? null, rule: f.rule ?? null, major_basis: f.major_basis ?? null,
    }
  })
}

export interface VersionChanges { first: boolean; added: number; retired: number; changed: number; moved: boolean; meta: boolean }

/** What a version changed against the one before it (items matched by code). */
export function versionChanges(prev: ModuleVersionOut | null, next: ModuleVersionOut): VersionChanges {
  if (!prev) return { first: true, added: next.items.length, retired: 0, changed: 0, moved: false, meta: false }
  const before = new Map(prev.items.map((i) => [i.code, i]))
  const after = new Set(next.items.map((i) => i.code))
  const kept = next.items.filter((i) => before.has(i.code))
  const changed = kept.filter((i) => !same(itemIn(i), itemIn(before.get(i.code)!))).length
  const order = prev.items.filter((i) => after.has(i.code)).map((i) => i.code)
  return {
    first: false, added: next.items.length - kept.length, retired: prev.items.filter((i) => !after.has(i.code)).length, changed,
    moved: !same(order, kept.map((i) => i.code)),
    meta: !same([prev.name, prev.description, prev.standards, prev.site_kinds], [next.name, next.description, next.standards, next.site_kinds]),
  }
}

export interface FieldRefusal { item: number | null; field: string; msg: string }

/** A 422's details.errors, placed: `["body", "items", "3", "text"]` is the 4th item in use, its text. */
export function refusals(details: Record<string, unknown> | null): FieldRefusal[] {
  const errors = (details?.errors ?? []) as Array<{ loc?: string[]; msg?: string }>
  return errors.map((e) => {
    const loc = (e.loc ?? []).filter((p) => p !== 'body')
    const item = loc[0] === 'items' && loc[1] !== undefined && /^\d+$/.test(loc[1]) ? Number(loc[1]) : null
    const field = item === null ? loc.join('.') : loc.slice(2).join('.')
    return { item, field, msg: (e.msg ?? '').replace(/^Value error, /, '') }
  })
}

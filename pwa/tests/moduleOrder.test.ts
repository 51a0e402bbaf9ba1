import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Category, ModuleSummary } from '../src/api/types'
import { groupModules, readRecent, rememberModule, RECENT_SHOWN } from '../src/lib/moduleOrder'

const store = new Map<string, string>()
vi.stubGlobal('localStorage', {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => store.set(k, v),
  removeItem: (k: string) => store.delete(k),
})

let nextId = 1
function mod(name: string, category: Category, siteKinds: ModuleSummary['site_kinds'] = [], code = `m${nextId}`): ModuleSummary {
  const id = nextId++
  return { id, code, category, is_active: true, name, description: null, version: 1, version_id: id * 10, item_count: 5, major_item_count: 0,
    site_kinds: siteKinds }
}

const building = mod('房屋结构', 'building')
const extinguisher = mod('灭火器', 'fire', ['canteen', 'dormitory'])
const gas = mod('燃气灶具', 'gas', ['canteen'])
const oil = mod('煎炸油', 'food', ['canteen'], 'frying-oil')
const lift = mod('电梯', 'equipment', ['elevator'])
const bus = mod('校车', 'school_bus')
const all = [building, extinguisher, gas, oil, lift, bus]

const keys = (groups: ReturnType<typeof groupModules>): string[] => groups.map((g) => g.key)
const names = (groups: ReturnType<typeof groupModules>, key: string): string[] =>
  groups.find((g) => g.key === key)?.modules.map((m) => m.name) ?? []

describe('the module list at a site', () => {
  it('puts the modules for the site kind first, then the rest by category, each module once', () => {
    const groups = groupModules(all, 'canteen', [])
    expect(keys(groups)).toEqual(['site', 'school_bus', 'building', 'equipment']) // CATEGORIES' order
    expect(names(groups, 'site')).toEqual(['煎炸油', '燃气灶具', '灭火器']) // most specific first
    const ids = groups.flatMap((g) => g.modules.map((m) => m.id))
    expect(new Set(ids).size).toBe(all.length)
  })

  it('puts the recently used after the site group, most recent first, and recent ones first within it', () => {
    const groups = groupModules(all, 'canteen', [bus.id, oil.id, building.id])
    expect(names(groups, 'site')).toEqual(['煎炸油', '燃气灶具', '灭火器'])
    expect(names(groups, 'recent')).toEqual(['校车', '房屋结构'])
    expect(keys(groups)).toEqual(['site', 'recent', 'equipment'])
  })

  it('at a kitchen starts with food, not with the building modules that list every kind (issue 9 point 7)', () => {
    // the shipped catalogue's shape: broad modules come first in catalogue order
    const wide = ['canteen', 'dormitory', 'dining_hall', 'teaching_building', 'office_building', 'venue', 'warehouse',
      'other', 'outdoor'] as ModuleSummary['site_kinds']
    const kitchen = [
      mod('房屋结构、外立面与高处坠物', 'building', wide),
      mod('人员密集场所防拥挤踩踏', 'building', wide.slice(0, 7)),
      mod('灭火器与微型消防站', 'fire', wide),
      mod('厨房设备、排油烟与灶台灭火', 'fire', ['canteen']),
      mod('食堂用气场所', 'gas', ['canteen', 'dining_hall']),
      mod('库房与冷链', 'food', ['canteen', 'dining_hall']),
      mod('粗加工、切配与烹饪', 'food', ['canteen']),
      mod('专间与食品留样', 'food', ['canteen']),
    ]
    const site = groupModules(kitchen, 'canteen', []).find((g) => g.key === 'site')?.modules ?? []
    expect(site.map((m) => m.name)).toEqual([
      '粗加工、切配与烹饪', '专间与食品留样', // one kind, food owns the kitchen; then by name (pinyin)
      '厨房设备、排油烟与灶台灭火',
      '库房与冷链', '食堂用气场所', // two kinds: food before gas
      '人员密集场所防拥挤踩踏',
      '灭火器与微型消防站', '房屋结构、外立面与高处坠物', // nine kinds: fire before building
    ])
  })

  it('orders a kind without owning categories by CATEGORIES, then by name', () => {
    const a = mod('乙', 'building', ['venue'])
    const b = mod('甲', 'building', ['venue'])
    const c = mod('丙', 'fire', ['venue'])
    expect(names(groupModules([a, b, c], 'venue', []), 'site')).toEqual(['丙', '甲', '乙'])
  })

  it('shows a few recent modules as a group; older ones stay under their category', () => {
    const many = Array.from({ length: RECENT_SHOWN + 2 }, (_, i) => mod(`模块${i}`, 'hygiene'))
    const groups = groupModules(many, null, many.map((m) => m.id))
    expect(names(groups, 'recent')).toHaveLength(RECENT_SHOWN)
    expect(names(groups, 'hygiene')).toEqual([`模块${RECENT_SHOWN}`, `模块${RECENT_SHOWN + 1}`])
  })

  it('without a site kind, or with modules cached before site_kinds existed, has no site group', () => {
    expect(keys(groupModules(all, null, []))).not.toContain('site')
    const old = all.map(({ site_kinds: _omitted, ...m }) => m as ModuleSummary)
    expect(groupModules(old, 'canteen', []).flatMap((g) => g.modules)).toHaveLength(all.length)
  })

  it('filters by name or code, case-insensitively, keeping the grouping', () => {
    expect(names(groupModules(all, 'canteen', [], '燃气'), 'site')).toEqual(['燃气灶具'])
    const byCode = groupModules(all, 'canteen', [], ' FRYING ')
    expect(byCode.flatMap((g) => g.modules.map((m) => m.name))).toEqual(['煎炸油'])
    expect(groupModules(all, 'canteen', [], '没有这个')).toEqual([])
  })

  it('keeps a module of a category the phone does not know under 其他', () => {
    const future = { ...mod('新类别', 'other'), category: 'future' as Category }
    expect(names(groupModules([future], null, []), 'other')).toEqual(['新类别'])
  })
})

describe('the recent list', () => {
  beforeEach(() => store.clear())

  it('is per user, most recent first, without repeats', () => {
    rememberModule(1, 10)
    rememberModule(1, 11)
    expect(rememberModule(1, 10)).toEqual([10, 11])
    expect(readRecent(1)).toEqual([10, 11])
    expect(readRecent(2)).toEqual([])
  })

  it('starts afresh when what is stored is not a list of ids', () => {
    store.set('anxun.recentModules.1', '{oops')
    expect(readRecent(1)).toEqual([])
    store.set('anxun.recentModules.1', '[3,"x",4]')
    expect(readRecent(1)).toEqual([3, 4])
  })
})

import { catalogue } from '../i18n'

// 巡检模块's strings (Chinese first; English has every key: the type checks it)
const zh = {
  'list.q': '名称或代码', 'list.category': '类别', 'list.siteKind': '适用点位类型', 'list.any': '全部',
  'list.inactive': '含已停用', 'list.count': '共 {n} 个模块', 'list.empty': '没有符合条件的模块', 'list.loadFailed': '加载失败：{m}',
  'list.retry': '重试',
  'col.name': '模块', 'col.code': '代码', 'col.category': '类别', 'col.siteKinds': '适用点位', 'col.items': '检查项',
  'col.major': '直接判定重大', 'col.version': '版本', 'col.state': '状态',
  'state.active': '在用', 'state.inactive': '已停用', 'version.n': '第 {n} 版', 'version.latest': '当前版本', 'version.past': '历史版本',
  'detail.back': '返回模块列表', 'detail.items': '检查项', 'detail.history': '版本历史', 'detail.edit': '编辑（生成新版本）',
  'detail.readOnly': '只读：仅质监办和系统管理员可以编辑巡检模块', 'detail.standards': '依据标准', 'detail.description': '说明',
  'detail.viewingPast': '正在查看第 {n} 版（历史版本，只读）。开始于该版本的检查仍按此版本填写。', 'detail.toLatest': '查看当前版本',
  'detail.loadFailed': '加载失败：{m}', 'detail.publishedBy': '{d} · {who}', 'detail.catalogue': '系统内置', 'detail.user': '用户 #{id}',
  'item.text': '检查内容', 'item.kind': '作答方式', 'item.category': '隐患类别', 'item.grade': '默认等级', 'item.photo': '不合格须拍照',
  'item.major': '直接判定重大隐患', 'item.basis': '判定依据', 'item.standard': '依据', 'item.method': '检查方法', 'item.advice': '整改建议',
  'item.limits': '合格范围', 'item.min': '下限', 'item.max': '上限', 'item.unit': '单位', 'item.onlyIf': '仅在此类点位检查',
  'item.code': '代码', 'item.yes': '是', 'item.no': '否', 'item.none': '—', 'item.everywhere': '所有点位',
  'kind.pass_fail': '合格 / 不合格', 'kind.number': '数值读数', 'kind.text': '文字记录', 'kind.photo': '拍照留存',
  'cond.large_span_roof': '大跨度屋面',
  'hist.version': '版本', 'hist.published': '发布时间', 'hist.by': '发布人', 'hist.changes': '变更', 'hist.view': '查看',
  'hist.first': '首个版本（{n} 项）', 'hist.added': '新增 {n} 项', 'hist.retired': '停用 {n} 项', 'hist.changed': '修改 {n} 项',
  'hist.moved': '调整顺序', 'hist.meta': '修改模块信息', 'hist.viewing': '正在查看',
  'edit.title': '编辑 {name}：保存后生成第 {n} 版', 'edit.basis': '基于第 {n} 版编辑。已开始的检查仍按原版本填写，新开始的检查使用新版本。',
  'edit.module': '模块信息', 'edit.name': '名称', 'edit.description': '说明', 'edit.standards': '依据标准', 'edit.standardsHint': '输入后回车添加',
  'edit.siteKinds': '适用点位类型', 'edit.items': '检查项（{n}）', 'edit.add': '添加检查项', 'edit.up': '上移', 'edit.down': '下移',
  'edit.retire': '停用', 'edit.restore': '恢复', 'edit.retired': '将停用的检查项（{n}）', 'edit.retiredHint': '新版本不再包含这些检查项；历史版本和已有检查记录不受影响。',
  'edit.new': '新增', 'edit.changed': '已修改', 'edit.drag': '拖动调整顺序', 'edit.expand': '展开编辑', 'edit.collapse': '收起',
  'edit.save': '保存为新版本', 'edit.cancel': '放弃修改', 'edit.cancelConfirm': '放弃未保存的修改？', 'edit.keep': '继续编辑',
  'edit.discard': '放弃', 'edit.noChanges': '尚未修改', 'edit.changes': '{n} 处修改未保存', 'edit.saved': '已发布第 {n} 版',
  'edit.refused': '服务器未接受：{m}', 'edit.refusedKept': '您的修改仍保留在编辑器中，可修改后再次保存。', 'edit.itemN': '第 {n} 项',
  'edit.stale': '该模块已有更新的版本（第 {n} 版）。您的修改仍在编辑器中；可查看新版本后重新编辑。', 'edit.openLatest': '在新标签页查看最新版本',
  'edit.newItemText': '新检查项', 'edit.leave': '有未保存的修改，确定离开？', 'edit.majorGrade': '勾选后默认等级自动设为重大隐患',
  'preview.title': '手机端预览', 'preview.hint': '巡检员在手机上看到的检查单（可点按试填，不会保存）', 'preview.empty': '没有检查项', 'preview.site': '示例点位',
} as const

const en: Record<keyof typeof zh, string> = {
  'list.q': 'Name or code', 'list.category': 'Category', 'list.siteKind': 'Site type', 'list.any': 'Any',
  'list.inactive': 'Include retired', 'list.count': '{n} modules', 'list.empty': 'No modules match', 'list.loadFailed': 'Failed to load: {m}',
  'list.retry': 'Retry',
  'col.name': 'Module', 'col.code': 'Code', 'col.category': 'Category', 'col.siteKinds': 'Site types', 'col.items': 'Items',
  'col.major': 'Directly major', 'col.version': 'Version', 'col.state': 'State',
  'state.active': 'In use', 'state.inactive': 'Retired', 'version.n': 'v{n}', 'version.latest': 'Current', 'version.past': 'Past version',
  'detail.back': 'Back to modules', 'detail.items': 'Items', 'detail.history': 'Version history', 'detail.edit': 'Edit (new version)',
  'detail.readOnly': 'Read only: only the QA office and administrators edit patrol modules', 'detail.standards': 'Standards', 'detail.description': 'Description',
  'detail.viewingPast': 'Viewing v{n} (a past version, read only). Inspections begun with it are still filled in with it.', 'detail.toLatest': 'View the current version',
  'detail.loadFailed': 'Failed to load: {m}', 'detail.publishedBy': '{d} · {who}', 'detail.catalogue': 'Built in', 'detail.user': 'User #{id}',
  'item.text': 'Check', 'item.kind': 'Answer', 'item.category': 'Hazard category', 'item.grade': 'Default grade', 'item.photo': 'Photo if failed',
  'item.major': 'Directly a major hazard', 'item.basis': 'Basis', 'item.standard': 'Standard', 'item.method': 'How to check', 'item.advice': 'Usual fix',
  'item.limits': 'Passing range', 'item.min': 'Min', 'item.max': 'Max', 'item.unit': 'Unit', 'item.onlyIf': 'Only at sites with',
  'item.code': 'Code', 'item.yes': 'Yes', 'item.no': 'No', 'item.none': '—', 'item.everywhere': 'All sites',
  'kind.pass_fail': 'Pass / fail', 'kind.number': 'Reading', 'kind.text': 'Text', 'kind.photo': 'Photo',
  'cond.large_span_roof': 'Large-span roof',
  'hist.version': 'Version', 'hist.published': 'Published', 'hist.by': 'By', 'hist.changes': 'Changes', 'hist.view': 'View',
  'hist.first': 'First version ({n} items)', 'hist.added': '{n} added', 'hist.retired': '{n} retired', 'hist.changed': '{n} changed',
  'hist.moved': 'reordered', 'hist.meta': 'module details changed', 'hist.viewing': 'Viewing',
  'edit.title': 'Edit {name}: saving publishes v{n}', 'edit.basis': 'Based on v{n}. Inspections already begun keep their version; new ones use the new version.',
  'edit.module': 'Module', 'edit.name': 'Name', 'edit.description': 'Description', 'edit.standards': 'Standards', 'edit.standardsHint': 'Type and press Enter',
  'edit.siteKinds': 'Site types', 'edit.items': 'Items ({n})', 'edit.add': 'Add item', 'edit.up': 'Move up', 'edit.down': 'Move down',
  'edit.retire': 'Retire', 'edit.restore': 'Restore', 'edit.retired': 'Items to retire ({n})', 'edit.retiredHint': 'The new version leaves them out; past versions and inspections keep them.',
  'edit.new': 'New', 'edit.changed': 'Changed', 'edit.drag': 'Drag to reorder', 'edit.expand': 'Edit', 'edit.collapse': 'Collapse',
  'edit.save': 'Save as new version', 'edit.cancel': 'Discard changes', 'edit.cancelConfirm': 'Discard the unsaved changes?', 'edit.keep': 'Keep editing',
  'edit.discard': 'Discard', 'edit.noChanges': 'No changes yet', 'edit.changes': '{n} unsaved changes', 'edit.saved': 'Published v{n}',
  'edit.refused': 'The server refused: {m}', 'edit.refusedKept': 'Your changes are still in the editor: correct them and save again.', 'edit.itemN': 'Item {n}',
  'edit.stale': 'A newer version (v{n}) was published meanwhile. Your changes are still in the editor; look at the new version, then edit again.', 'edit.openLatest': 'Open the latest version in a new tab',
  'edit.newItemText': 'New item', 'edit.leave': 'Leave with unsaved changes?', 'edit.majorGrade': 'Checking it sets the default grade to major',
  'preview.title': 'Phone preview', 'preview.hint': 'The checklist as the inspector sees it (try it; nothing is saved)', 'preview.empty': 'No items', 'preview.site': 'Sample site',
}

export type ModuleKey = keyof typeof zh
export const st = catalogue<ModuleKey>(zh, en)

const SITE_KINDS_ZH = {
  canteen: '食堂后厨', dormitory: '学生公寓', teaching_building: '教学楼', office_building: '办公楼', power_room: '配电房',
  gas_facility: '燃气设施', pump_room: '泵房', boiler_room: '锅炉房', elevator: '电梯', vehicle: '车辆', parking: '停车场与车队',
  venue: '体育场馆', construction: '施工现场', outdoor: '室外区域', dining_hall: '餐厅就餐区', warehouse: '库房',
  chemical_store: '危化品与油料库', swimming_pool: '游泳池', security_room: '安防监控中心', campus_road: '校园道路',
  campus_water: '校园水域', other: '其他',
} as const
export type SiteKindValue = keyof typeof SITE_KINDS_ZH
const SITE_KINDS_EN: Record<SiteKindValue, string> = {
  canteen: 'Kitchen', dormitory: 'Dormitory', teaching_building: 'Teaching building', office_building: 'Office building',
  power_room: 'Power room', gas_facility: 'Gas facility', pump_room: 'Pump room', boiler_room: 'Boiler room', elevator: 'Elevator',
  vehicle: 'Vehicle', parking: 'Parking & fleet', venue: 'Sports venue', construction: 'Construction site', outdoor: 'Outdoor area',
  dining_hall: 'Dining hall', warehouse: 'Warehouse', chemical_store: 'Chemical & fuel store', swimming_pool: 'Swimming pool',
  security_room: 'Security center', campus_road: 'Campus road', campus_water: 'Campus water', other: 'Other',
}
export const SITE_KINDS = Object.keys(SITE_KINDS_ZH) as SiteKindValue[]
export const siteKindLabel = catalogue<SiteKindValue>(SITE_KINDS_ZH, SITE_KINDS_EN)

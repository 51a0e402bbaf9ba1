import { fill, lang } from '../lib/i18n'

// The desk console's strings: a catalogue of its own, loaded with the console's chunks (the phone's
// first screen carries lib/i18n.ts only). Vocabulary labels (status, category, grade, role, action)
// come from lib/i18n's `label`. Chinese first; English must have every key (checked by the type).
const zh = {
  'console.title': '安巡 · 管理台', 'console.phone': '手机版', 'console.logout': '退出登录',
  'console.logoutConfirm': '退出登录？', 'console.lang': 'English', 'console.noScreens': '您的角色暂无可用的管理功能',
  'menu.hazards': '隐患管理', 'menu.controlRoom': '总控制室', 'menu.monthlyReport': '月度报告', 'menu.groupViews': '集团视图',
  'menu.sites': '点位与二维码', 'menu.users': '用户与角色', 'menu.modules': '巡检模块', 'menu.plans': '巡检计划',
  'menu.campaigns': '专项检查', 'menu.records': '台账与报表', 'menu.integrations': '系统集成', 'menu.audit': '审计日志',
  'f.q': '标题或描述', 'f.status': '状态', 'f.center': '中心', 'f.campus': '校区', 'f.site': '点位', 'f.category': '类别',
  'f.grade': '等级', 'f.source': '来源', 'f.assignee': '责任人', 'f.overdue': '逾期', 'f.overdueYes': '仅逾期',
  'f.overdueNo': '未逾期', 'f.created': '上报日期', 'f.deadline': '整改时限', 'f.can': '待我处理', 'f.updatedSince': '更新于此后',
  'f.from': '开始', 'f.to': '结束', 'f.more': '更多条件', 'f.less': '收起',
  'f.active': '已筛选 {n} 项', 'f.any': '全部', 'f.assigneeHint': '先选一个中心',
  'source.inspection': '巡检', 'source.adhoc': '随手拍', 'source.external': '上级检查', 'source.plan': '整改计划', 'source.sensor': '传感器',
  'col.id': '编号', 'col.title': '隐患', 'col.site': '点位', 'col.center': '中心', 'col.category': '类别', 'col.status': '状态',
  'col.assignee': '责任人', 'col.deadline': '整改时限', 'col.created': '上报时间', 'col.updated': '更新时间',
  'col.photos': '整改前 / 整改后', 'col.open': '详情',
  'table.total': '共 {n} 条', 'table.page': '第 {n} 页', 'table.prev': '上一页', 'table.next': '下一页', 'table.size': '{n} 条/页',
  'table.empty': '没有符合条件的隐患', 'table.loadFailed': '加载失败：{m}', 'table.retry': '重试', 'table.selected': '已选 {n} 条',
  'table.notAssignable': '该隐患当前不能由您指派', 'table.majorSingly': '重大隐患须逐条指派（需填写治理方案）',
  'table.overdueDays': '逾期 {n} 天', 'table.extended': '延期至 {d}',
  'export.xlsx': '导出 Excel', 'export.csv': '导出 CSV', 'export.failed': '导出失败：{m}', 'export.done': '已导出 {f}',
  'bulk.assign': '批量指派（五定）', 'bulk.title': '批量指派 {n} 条隐患', 'bulk.centers': '所选隐患属于 {n} 个中心；责任人须为隐患所在中心的人员，其他中心的隐患将被服务器拒绝。',
  'bulk.send': '指派', 'bulk.sending': '正在指派 {i}/{n}…', 'bulk.result': '指派结果', 'bulk.ok': '已指派 {n} 条',
  'bulk.refused': '未被接受 {n} 条', 'bulk.unknown': '未确认 {n} 条（网络中断，可重试，不会重复指派）', 'bulk.close': '关闭',
  'bulk.retry': '重试未确认的', 'bulk.rowOk': '已指派', 'bulk.rowUnknown': '网络中断，结果未知',
  'drawer.title': '隐患 #{id}', 'drawer.facts': '基本信息', 'drawer.plan': '五定', 'drawer.timeline': '处理记录',
  'drawer.actions': '可执行的操作', 'drawer.noActions': '您当前不能对该隐患执行操作', 'drawer.loadFailed': '加载失败：{m}',
  'drawer.noPhotos': '无照片', 'drawer.source': '来源', 'drawer.center': '中心', 'drawer.sheet': '打印督办单',
  'drawer.stale': '该隐患已被修改，已刷新为最新内容',
  'act.done': '{a}：已完成', 'act.title': '{a} · {h}', 'act.photos': '上传照片', 'act.photosHint': '可多选；上传完成后再提交',
  'act.uploading': '照片上传中…', 'act.uploadFailed': '照片上传失败：{m}',
  'refused.title': '无权使用此功能', 'refused.home': '返回首页',
  'once.copy': '复制', 'once.copied': '已复制到剪贴板', 'once.copyFailed': '无法自动复制，请选中后手动复制',
  'once.saved': '我已妥善保存', 'once.expires': '有效期至 {t}',
  'common.all': '全部', 'common.search': '查询', 'common.reset': '重置', 'common.cancel': '取消', 'common.save': '保存',
  'common.confirm': '确定', 'common.actions': '操作', 'common.never': '从未', 'common.none': '—', 'common.required': '请填写{f}',
} as const

export type ConsoleKey = keyof typeof zh

const en: Record<ConsoleKey, string> = {
  'console.title': 'AnXun · Console', 'console.phone': 'Phone app', 'console.logout': 'Log out',
  'console.logoutConfirm': 'Log out?', 'console.lang': '中文', 'console.noScreens': 'Your roles have no console screens',
  'menu.hazards': 'Hazards', 'menu.controlRoom': 'Control room', 'menu.monthlyReport': 'Monthly report', 'menu.groupViews': 'Group views',
  'menu.sites': 'Sites & QR labels', 'menu.users': 'Users & roles', 'menu.modules': 'Patrol modules', 'menu.plans': 'Patrol plans',
  'menu.campaigns': 'Campaigns', 'menu.records': 'Records & tables', 'menu.integrations': 'Integrations', 'menu.audit': 'Audit log',
  'f.q': 'Title or description', 'f.status': 'Status', 'f.center': 'Center', 'f.campus': 'Campus', 'f.site': 'Site', 'f.category': 'Category',
  'f.grade': 'Grade', 'f.source': 'Source', 'f.assignee': 'Assignee', 'f.overdue': 'Overdue', 'f.overdueYes': 'Overdue only',
  'f.overdueNo': 'Not overdue', 'f.created': 'Reported', 'f.deadline': 'Deadline', 'f.can': 'Waiting for me', 'f.updatedSince': 'Updated since',
  'f.from': 'From', 'f.to': 'To', 'f.more': 'More filters', 'f.less': 'Fewer filters',
  'f.active': '{n} filters', 'f.any': 'Any', 'f.assigneeHint': 'Pick one center first',
  'source.inspection': 'Inspection', 'source.adhoc': 'Snap report', 'source.external': 'External check', 'source.plan': 'Rectification plan', 'source.sensor': 'Sensor',
  'col.id': 'No.', 'col.title': 'Hazard', 'col.site': 'Site', 'col.center': 'Center', 'col.category': 'Category', 'col.status': 'Status',
  'col.assignee': 'Assignee', 'col.deadline': 'Deadline', 'col.created': 'Reported', 'col.updated': 'Updated',
  'col.photos': 'Before / after', 'col.open': 'Details',
  'table.total': '{n} in all', 'table.page': 'Page {n}', 'table.prev': 'Previous', 'table.next': 'Next', 'table.size': '{n} / page',
  'table.empty': 'No hazards match', 'table.loadFailed': 'Failed to load: {m}', 'table.retry': 'Retry', 'table.selected': '{n} selected',
  'table.notAssignable': 'You cannot assign this hazard now', 'table.majorSingly': 'Major hazards are assigned one by one (with a governance plan)',
  'table.overdueDays': '{n} d overdue', 'table.extended': 'Extended to {d}',
  'export.xlsx': 'Export Excel', 'export.csv': 'Export CSV', 'export.failed': 'Export failed: {m}', 'export.done': 'Exported {f}',
  'bulk.assign': 'Bulk assign', 'bulk.title': 'Assign {n} hazards', 'bulk.centers': 'The hazards belong to {n} centers; the assignee must be of the hazard\'s center, the server refuses the others.',
  'bulk.send': 'Assign', 'bulk.sending': 'Assigning {i}/{n}…', 'bulk.result': 'Results', 'bulk.ok': '{n} assigned',
  'bulk.refused': '{n} refused', 'bulk.unknown': '{n} unconfirmed (network lost; retrying never assigns twice)', 'bulk.close': 'Close',
  'bulk.retry': 'Retry the unconfirmed', 'bulk.rowOk': 'Assigned', 'bulk.rowUnknown': 'Network lost: result unknown',
  'drawer.title': 'Hazard #{id}', 'drawer.facts': 'Facts', 'drawer.plan': 'Plan', 'drawer.timeline': 'Timeline',
  'drawer.actions': 'Actions', 'drawer.noActions': 'You cannot act on this hazard now', 'drawer.loadFailed': 'Failed to load: {m}',
  'drawer.noPhotos': 'No photos', 'drawer.source': 'Source', 'drawer.center': 'Center', 'drawer.sheet': 'Print supervision order',
  'drawer.stale': 'Changed meanwhile: showing the latest',
  'act.done': '{a}: done', 'act.title': '{a} · {h}', 'act.photos': 'Upload photos', 'act.photosHint': 'Several at once; submit when uploaded',
  'act.uploading': 'Uploading…', 'act.uploadFailed': 'Upload failed: {m}',
  'refused.title': 'Not available to you', 'refused.home': 'Back to the first screen',
  'once.copy': 'Copy', 'once.copied': 'Copied to the clipboard', 'once.copyFailed': 'Could not copy: select it and copy by hand',
  'once.saved': 'I have stored it safely', 'once.expires': 'Valid until {t}',
  'common.all': 'All', 'common.search': 'Search', 'common.reset': 'Reset', 'common.cancel': 'Cancel', 'common.save': 'Save',
  'common.confirm': 'OK', 'common.actions': 'Actions', 'common.never': 'Never', 'common.none': '—', 'common.required': '{f} is required',
}

/** A screen's own strings: `const st = catalogue(zh, en)` in the screen's folder keeps each screen's
 *  catalogue beside it (English must have every key: the type checks it). */
export function catalogue<K extends string>(zhTexts: Readonly<Record<K, string>>, enTexts: Readonly<Record<K, string>>) {
  return (key: K, params: Record<string, string | number> = {}): string =>
    fill(lang.value === 'en-US' ? enTexts[key] : zhTexts[key], params)
}

export const ct = catalogue<ConsoleKey>(zh, en)

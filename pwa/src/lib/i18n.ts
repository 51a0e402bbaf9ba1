import { ref } from 'vue'
import { Locale } from 'vant'
import enUS from 'vant/es/locale/lang/en-US'
import zhCN from 'vant/es/locale/lang/zh-CN'

// All UI strings, Chinese first. English must have every key (checked by the type).
const zh = {
  app: '安巡',
  'tab.home': '首页', 'tab.patrol': '巡检', 'tab.snap': '随手拍', 'tab.hazards': '隐患', 'tab.me': '我的',
  'login.title': '安巡 · 安全巡查', 'login.username': '用户名', 'login.password': '密码', 'login.submit': '登录',
  'login.failed': '登录失败', 'login.offline': '无网络，无法登录', 'login.again': '登录已过期，请重新登录以继续同步',
  'login.otherUser': '本机还有其他账号未同步的数据，登录该账号后才会发送',
  'sync.pending': '{n} 条待同步', 'sync.attention': '{n} 条需处理', 'sync.done': '已全部同步', 'sync.syncing': '同步中…',
  'sync.offline': '离线', 'sync.retry': '立即重试', 'sync.discard': '放弃', 'sync.discardConfirm': '确定放弃这条记录？放弃后无法恢复。',
  'sync.queue': '待同步队列', 'sync.empty': '没有待同步的记录', 'sync.state.pending': '等待发送', 'sync.state.attention': '需处理',
  'sync.state.retrying': '第 {n} 次重试', 'sync.needLogin': '请重新登录后继续同步', 'sync.networkDown': '网络不可用，联网后自动重试',
  'home.title': '今日工作', 'home.myOpen': '我的待整改', 'home.toVerify': '待我验收', 'home.recent': '最近巡检',
  'home.drafts': '未完成的巡检', 'home.none': '暂无', 'home.cached': '离线数据，{t} 更新',
  'patrol.title': '巡检', 'patrol.campus': '选择校区', 'patrol.site': '选择点位', 'patrol.module': '选择巡检模块',
  'patrol.scan': '扫码签到', 'patrol.scanHint': '拍摄点位二维码', 'patrol.code': '或输入点位编码', 'patrol.codeGo': '确定',
  'patrol.noSite': '未找到该点位', 'patrol.start': '开始巡检', 'patrol.items': '{n} 项', 'patrol.notCached': '该模块未缓存，需联网打开一次',
  'patrol.kind': '检查类型',
  'check.pass': '合格', 'check.fail': '不合格', 'check.na': '不适用', 'check.note': '备注', 'check.photos': '照片',
  'check.saveDraft': '保存草稿', 'check.submit': '提交', 'check.saved': '草稿已保存', 'check.incomplete': '还有 {n} 项未完成',
  'check.needPhoto': '不合格需拍照', 'check.submitConfirm': '提交后不可修改，不合格项将生成隐患。确定提交？',
  'check.value': '数值', 'check.text': '填写', 'check.fixedOnSpot': '当场整改', 'check.afterPhotos': '整改后照片',
  'check.major': '重大', 'check.range': '标准 {min}–{max} {unit}', 'check.submitted': '已提交',
  'snap.title': '随手拍', 'snap.photos': '隐患照片', 'snap.site': '点位', 'snap.category': '类别', 'snap.grade': '等级',
  'snap.desc': '简要描述（可语音输入）', 'snap.submit': '提交隐患', 'snap.needPhoto': '请至少拍一张照片', 'snap.needSite': '请选择点位',
  'snap.needCategory': '请选择类别', 'snap.defaultTitle': '{category}隐患',
  'toast.queued': '已提交，等待同步', 'toast.sent': '已提交', 'toast.saved': '已保存',
  'hazards.title': '隐患', 'hazards.all': '全部', 'hazards.overdue': '仅逾期', 'hazards.category': '类别',
  'hazards.empty': '没有隐患', 'hazards.loadFailed': '加载失败，点击重试', 'hazards.finished': '没有更多了',
  'hazard.before': '整改前', 'hazard.after': '整改后', 'hazard.fixes': '五定', 'hazard.assignee': '责任人',
  'hazard.measures': '整改措施', 'hazard.cost': '资金（万元）', 'hazard.deadline': '整改时限', 'hazard.interim': '临时管控预案',
  'hazard.timeline': '处理记录', 'hazard.site': '点位', 'hazard.reporter': '上报人', 'hazard.createdAt': '上报时间',
  'hazard.overdue': '逾期 {n} 天', 'hazard.queued': '本机有待同步的操作', 'hazard.notSynced': '尚未同步到服务器',
  'hazard.extension': '延期至 {d}', 'hazard.rectification': '整改说明', 'hazard.description': '描述',
  'action.assign': '指派整改', 'action.submit': '提交整改', 'action.verify': '验收通过', 'action.reject': '驳回',
  'action.cancel': '撤销', 'action.request_extension': '申请延期', 'action.approve_extension': '同意延期',
  'action.deny_extension': '不同意延期', 'action.reopen': '重新打开',
  'form.reason': '原因', 'form.comment': '意见（可选）', 'form.required': '必填', 'form.me': '我自己',
  'form.pickAssignee': '选择责任人', 'form.assigneeId': '责任人', 'form.confirm': '确定', 'form.cancel': '取消',
  'form.description': '整改情况说明', 'form.afterPhotos': '整改后照片', 'form.newDeadline': '新的时限',
  'me.title': '我的', 'me.language': '语言 / Language', 'me.logout': '退出登录', 'me.maxDim': '照片最长边（像素）',
  'me.storage': '本机存储', 'me.storageUsed': '已用 {used} / 可用 {quota}', 'me.persisted': '已申请持久存储',
  'me.notPersisted': '存储可能被系统清理', 'me.logoutConfirm': '退出将清除本机上该账号的数据。',
  'me.logoutPending': '还有 {n} 条记录未同步，退出将永久丢失它们！建议先联网同步。仍要退出？',
  'me.roles': '角色', 'me.version': '版本',
  'storage.low': '手机存储空间不足（剩余 {free}），请尽快同步并清理', 'storage.unreadable': '有照片无法从本机读取，请重新拍摄',
  'storage.full': '手机存储空间不足，未能保存。请清理空间后重试。',
  'photo.add': '拍照', 'photo.failed': '照片处理失败',
  'common.loading': '加载中…', 'common.offline': '当前离线', 'common.error': '出错了', 'common.back': '返回',
  'common.more': '更多', 'common.save': '保存', 'common.none': '无', 'common.retry': '重试',
  'status.reported': '待指派', 'status.assigned': '整改中', 'status.submitted': '待验收', 'status.closed': '已闭环',
  'status.cancelled': '已撤销', 'status.draft': '草稿',
  'grade.general': '一般', 'grade.major': '重大',
  'category.fire': '消防', 'category.food': '食品', 'category.gas': '燃气', 'category.water_power': '供水供电',
  'category.school_bus': '校车', 'category.building': '建筑物', 'category.equipment': '设施设备',
  'category.hygiene': '环境卫生', 'category.other': '其他',
  'kind.routine': '日常巡查', 'kind.special': '专项检查', 'kind.holiday': '节假日检查', 'kind.supervision': '督查',
  'kind.external': '上级检查',
  'role.inspector': '巡检员', 'role.center_manager': '中心负责人', 'role.qa_officer': '质监办', 'role.leader': '集团领导',
  'role.admin': '系统管理员', 'role.integration': '第三方系统',
  'check.valueHint': '填写读数，自动判定',
  'check.problemsTitle': '还有 {n} 项不能提交',
  'problem.unanswered': '未作答',
  'problem.value_required': '请填写数值',
  'problem.photo_required': '需要照片',
  'problem.after_photo_required': '需要整改后照片',
  'check.limit': '合格范围',
  'patrol.noKinds': '您不能在该点位发起检查',
  'patrol.searchModules': '搜索模块',
  'patrol.recent': '最近使用',
  'toast.savedQueued': '已保存，等待同步', 'form.refused': '未被服务器接受：{m}', 'sync.fix': '去修改',
  'sync.fixGone': '这条记录已不在待同步队列中', 'sync.fixing': '正在修改一条需处理的记录，提交后替换它',
  'auth.expired': '登录已失效，本机记录都已保留', 'auth.relogin': '重新登录',
  'refusal.tooShort': '{f}太短', 'refusal.tooLong': '{f}太长', 'refusal.missing': '缺少{f}', 'refusal.invalid': '{f}不符合要求',
} as const

export type MessageKey = keyof typeof zh

const en: Record<MessageKey, string> = {
  app: 'AnXun',
  'tab.home': 'Home', 'tab.patrol': 'Patrol', 'tab.snap': 'Snap', 'tab.hazards': 'Hazards', 'tab.me': 'Me',
  'login.title': 'AnXun · Safety patrol', 'login.username': 'Username', 'login.password': 'Password', 'login.submit': 'Log in',
  'login.failed': 'Login failed', 'login.offline': 'Offline: cannot log in', 'login.again': 'Session expired: log in again to keep syncing',
  'login.otherUser': 'Another account has unsynced data on this phone; it is sent only under that account',
  'sync.pending': '{n} to sync', 'sync.attention': '{n} need attention', 'sync.done': 'All synced', 'sync.syncing': 'Syncing…',
  'sync.offline': 'Offline', 'sync.retry': 'Retry now', 'sync.discard': 'Discard', 'sync.discardConfirm': 'Discard this record? It cannot be recovered.',
  'sync.queue': 'Sync queue', 'sync.empty': 'Nothing waiting', 'sync.state.pending': 'Waiting', 'sync.state.attention': 'Needs attention',
  'sync.state.retrying': 'Retry {n}', 'sync.needLogin': 'Log in again to continue syncing', 'sync.networkDown': 'No network: retried automatically when online',
  'home.title': 'Today', 'home.myOpen': 'My rectifications', 'home.toVerify': 'Awaiting my verification', 'home.recent': 'Recent inspections',
  'home.drafts': 'Unfinished inspections', 'home.none': 'None', 'home.cached': 'Offline data from {t}',
  'patrol.title': 'Patrol', 'patrol.campus': 'Campus', 'patrol.site': 'Site', 'patrol.module': 'Checklist',
  'patrol.scan': 'Scan site QR', 'patrol.scanHint': 'Photograph the site QR code', 'patrol.code': 'or type the site code', 'patrol.codeGo': 'Go',
  'patrol.noSite': 'Site not found', 'patrol.start': 'Start', 'patrol.items': '{n} items', 'patrol.notCached': 'Not cached: open it once online',
  'patrol.kind': 'Kind',
  'check.pass': 'Pass', 'check.fail': 'Fail', 'check.na': 'N/A', 'check.note': 'Note', 'check.photos': 'Photos',
  'check.saveDraft': 'Save draft', 'check.submit': 'Submit', 'check.saved': 'Draft saved', 'check.incomplete': '{n} items left',
  'check.needPhoto': 'Photo required on fail', 'check.submitConfirm': 'Submit? Failed items become hazards.',
  'check.value': 'Value', 'check.text': 'Text', 'check.fixedOnSpot': 'Fixed on the spot', 'check.afterPhotos': 'After photos',
  'check.major': 'Major', 'check.range': 'Limit {min}–{max} {unit}', 'check.submitted': 'Submitted',
  'snap.title': 'Report', 'snap.photos': 'Photos', 'snap.site': 'Site', 'snap.category': 'Category', 'snap.grade': 'Grade',
  'snap.desc': 'Short description', 'snap.submit': 'Report hazard', 'snap.needPhoto': 'Take at least one photo', 'snap.needSite': 'Pick a site',
  'snap.needCategory': 'Pick a category', 'snap.defaultTitle': '{category} hazard',
  'toast.queued': 'Saved, waiting to sync', 'toast.sent': 'Submitted', 'toast.saved': 'Saved',
  'hazards.title': 'Hazards', 'hazards.all': 'All', 'hazards.overdue': 'Overdue only', 'hazards.category': 'Category',
  'hazards.empty': 'No hazards', 'hazards.loadFailed': 'Failed to load, tap to retry', 'hazards.finished': 'No more',
  'hazard.before': 'Before', 'hazard.after': 'After', 'hazard.fixes': 'Five fixes', 'hazard.assignee': 'Assignee',
  'hazard.measures': 'Measures', 'hazard.cost': 'Cost (10k CNY)', 'hazard.deadline': 'Deadline', 'hazard.interim': 'Interim measures',
  'hazard.timeline': 'Timeline', 'hazard.site': 'Site', 'hazard.reporter': 'Reporter', 'hazard.createdAt': 'Reported',
  'hazard.overdue': '{n} days overdue', 'hazard.queued': 'Actions waiting to sync on this phone', 'hazard.notSynced': 'Not synced yet',
  'hazard.extension': 'Extended to {d}', 'hazard.rectification': 'Rectification', 'hazard.description': 'Description',
  'action.assign': 'Assign', 'action.submit': 'Submit rectification', 'action.verify': 'Verify', 'action.reject': 'Reject',
  'action.cancel': 'Cancel hazard', 'action.request_extension': 'Request extension', 'action.approve_extension': 'Approve extension',
  'action.deny_extension': 'Deny extension', 'action.reopen': 'Reopen',
  'form.reason': 'Reason', 'form.comment': 'Comment (optional)', 'form.required': 'Required', 'form.me': 'Myself',
  'form.pickAssignee': 'Pick assignee', 'form.assigneeId': 'Assignee', 'form.confirm': 'OK', 'form.cancel': 'Cancel',
  'form.description': 'What was done', 'form.afterPhotos': 'After photos', 'form.newDeadline': 'New deadline',
  'me.title': 'Me', 'me.language': 'Language / 语言', 'me.logout': 'Log out', 'me.maxDim': 'Photo long side (px)',
  'me.storage': 'Storage', 'me.storageUsed': '{used} used of {quota}', 'me.persisted': 'Persistent storage granted',
  'me.notPersisted': 'Storage may be evicted', 'me.logoutConfirm': "Logging out deletes this account's data on the phone.",
  'me.logoutPending': '{n} records are not synced and will be lost! Sync first. Log out anyway?',
  'me.roles': 'Roles', 'me.version': 'Version',
  'storage.low': 'Storage is low ({free} left): sync and free space', 'storage.unreadable': 'A stored photo cannot be read: retake it',
  'storage.full': 'Phone storage is full: nothing was saved. Free space and retry.',
  'photo.add': 'Photo', 'photo.failed': 'Could not process the photo',
  'common.loading': 'Loading…', 'common.offline': 'Offline', 'common.error': 'Error', 'common.back': 'Back',
  'common.more': 'More', 'common.save': 'Save', 'common.none': 'None', 'common.retry': 'Retry',
  'status.reported': 'Reported', 'status.assigned': 'Rectifying', 'status.submitted': 'To verify', 'status.closed': 'Closed',
  'status.cancelled': 'Cancelled', 'status.draft': 'Draft',
  'grade.general': 'General', 'grade.major': 'Major',
  'category.fire': 'Fire', 'category.food': 'Food', 'category.gas': 'Gas', 'category.water_power': 'Water & power',
  'category.school_bus': 'School bus', 'category.building': 'Building', 'category.equipment': 'Equipment',
  'category.hygiene': 'Hygiene', 'category.other': 'Other',
  'kind.routine': 'Routine', 'kind.special': 'Special', 'kind.holiday': 'Holiday', 'kind.supervision': 'Supervision',
  'kind.external': 'External',
  'role.inspector': 'Inspector', 'role.center_manager': 'Center manager', 'role.qa_officer': 'QA office', 'role.leader': 'Leader',
  'role.admin': 'Administrator', 'role.integration': 'Integration',
  'check.valueHint': 'Type the reading: judged automatically',
  'check.problemsTitle': '{n} items stop the submit',
  'problem.unanswered': 'Not answered',
  'problem.value_required': 'Type the reading',
  'problem.photo_required': 'Photo required',
  'problem.after_photo_required': 'After photo required',
  'check.limit': 'Passes at',
  'patrol.noKinds': 'You cannot start an inspection at this site',
  'patrol.searchModules': 'Search checklists',
  'patrol.recent': 'Recent',
  'toast.savedQueued': 'Saved, waiting to sync', 'form.refused': 'Not accepted by the server: {m}', 'sync.fix': 'Fix',
  'sync.fixGone': 'This record is no longer in the sync queue', 'sync.fixing': 'Fixing a record that needs attention: submitting replaces it',
  'auth.expired': 'Session expired: everything on this phone is kept', 'auth.relogin': 'Log in again',
  'refusal.tooShort': '{f}: too short', 'refusal.tooLong': '{f}: too long', 'refusal.missing': '{f}: missing', 'refusal.invalid': '{f}: not accepted',
}

export type Lang = 'zh-CN' | 'en-US'
const stored = typeof localStorage !== 'undefined' ? localStorage.getItem('anxun.lang') : null
export const lang = ref<Lang>(stored === 'en-US' ? 'en-US' : 'zh-CN')

export function setLang(l: Lang): void {
  lang.value = l
  localStorage.setItem('anxun.lang', l)
  document.documentElement.lang = l
  Locale.use(l, l === 'en-US' ? enUS : zhCN)
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text: string = lang.value === 'en-US' ? en[key] : zh[key]
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? ''))
}

/** A label for a vocabulary value (status, category, grade, role, kind), falling back to the value. */
export function label(group: 'status' | 'category' | 'grade' | 'role' | 'kind' | 'action', value: string): string {
  const key = `${group}.${value}`
  return key in zh ? t(key as MessageKey) : value
}

export const CATEGORIES = ['fire', 'food', 'gas', 'water_power', 'school_bus', 'building', 'equipment', 'hygiene', 'other'] as const

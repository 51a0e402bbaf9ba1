/** 专项检查 (campaigns dispatched by 质监办) and their 回执: the screen's strings (zh-CN first; English
 *  must have every key). The receipt states and deadline words are the phone's (lib/i18n campaign.*). */
import { catalogue } from '../i18n'

const zh = {
  'list.status': '状态', 'list.kind': '类型', 'list.any': '全部', 'list.dispatched': '已下发', 'list.cancelled': '已撤销',
  'list.dispatch': '下发检查', 'list.empty': '暂无专项检查',
 
  'col.title': '检查名称', 'col.kind': '类型', 'col.window': '检查时间', 'col.receiptDue': '回执截止', 'col.receipts': '回执',
  'col.tasks': '检查任务', 'col.phase': '进度', 'col.dispatched': '下发时间',
  'kind.special': '专项检查', 'kind.holiday': '节假日检查',
  'receipts.count': '{n}/{t} 已回执', 'receipts.late': '{n} 个中心逾期', 'tasks.count': '{d}/{t} 已完成', 'tasks.missed': '漏检 {n}',
  'drawer.refresh': '刷新', 'drawer.cancel': '撤销检查',
  'drawer.window': '检查时间', 'drawer.receiptDue': '回执截止', 'drawer.modules': '检查模块', 'drawer.siteKinds': '点位范围',
  'drawer.allKinds': '模块适用的全部点位', 'drawer.notes': '检查要求', 'drawer.attachment': '通知文件', 'drawer.none': '无',
  'drawer.dispatchedAt': '下发时间', 'drawer.centers': '各中心回执与进度', 'drawer.summary': '已回执 {n}/{t}', 'drawer.summaryLate': '逾期 {n} 个中心', 'drawer.cancelled': '已于 {t} 撤销：{r}',
  'drawer.loadFailed': '加载失败：{m}', 'drawer.refreshed': '已刷新',
  'center.name': '中心', 'center.tasks': '任务完成', 'center.missed': '漏检', 'center.receipt': '回执状态',
  'center.submittedAt': '回执时间', 'center.submittedBy': '提交人', 'center.done': '检查完成', 'center.findings': '发现问题',
  'center.note': '回执说明', 'center.notOwed': '无需回执', 'center.yes': '是', 'center.no': '否', 'center.corrected': '{t} 更正',
  'center.tasksOf': '{c}的检查任务', 'center.noTasks': '该中心没有检查任务', 'center.expand': '查看任务', 'center.collapse': '收起',
  'task.site': '点位', 'task.module': '检查模块', 'task.state': '状态', 'task.doneAt': '完成时间',
  'task.due': '待完成', 'task.done': '已完成', 'task.missed': '漏检', 'task.cancelled': '已取消',
  'cancel.title': '撤销“{t}”', 'cancel.reason': '撤销原因（必填，至少 2 个字）', 'cancel.ok': '撤销检查', 'cancel.no': '不撤销',
  'cancel.done': '已撤销', 'cancel.hint': '未完成的检查任务将取消，未提交的回执不再需要提交。',
  'd.title': '下发专项检查', 'd.name': '检查名称', 'd.namePh': '如：元旦节前消防安全专项检查', 'd.kind': '检查类型',
  'd.modules': '检查模块', 'd.modulesPh': '选择要执行的检查表（可多选）', 'd.centers': '检查对象',
  'd.centersPh': '不选则下发至全部业务中心', 'd.siteKinds': '点位范围', 'd.siteKindsPh': '不选则为模块适用的全部点位',
  'd.window': '检查时间', 'd.receiptDue': '回执截止', 'd.receiptHint': '回执截止日期不能早于检查结束日期',
  'd.notes': '检查要求', 'd.notesPh': '重点检查内容、报送要求等', 'd.file': '通知文件', 'd.fileHint': 'PDF、Word、Excel 或图片，可选',
  'd.pick': '选择文件', 'd.clearFile': '移除', 'd.send': '下发', 'd.sent': '已下发“{t}”', 'd.required': '请填写{f}',
  'd.uploadFailed': '检查已下发，但通知文件上传失败：{m}。可在详情中重新上传。', 'd.start': '开始日期', 'd.end': '结束日期',
  'r.title': '提交{c}的回执', 'd.upload': '上传通知文件', 'd.days': '共 {n} 天', 'd.uploaded': '通知文件已上传',
} as const

export type CampaignKey = keyof typeof zh

const en: Record<CampaignKey, string> = {
  'list.status': 'Status', 'list.kind': 'Kind', 'list.any': 'Any', 'list.dispatched': 'Dispatched', 'list.cancelled': 'Cancelled',
  'list.dispatch': 'Dispatch a check', 'list.empty': 'No campaigns',
 
  'col.title': 'Campaign', 'col.kind': 'Kind', 'col.window': 'Window', 'col.receiptDue': 'Receipts due', 'col.receipts': 'Receipts',
  'col.tasks': 'Tasks', 'col.phase': 'Progress', 'col.dispatched': 'Dispatched',
  'kind.special': 'Special check', 'kind.holiday': 'Holiday check',
  'receipts.count': '{n}/{t} submitted', 'receipts.late': '{n} centers late', 'tasks.count': '{d}/{t} done', 'tasks.missed': '{n} missed',
  'drawer.refresh': 'Refresh', 'drawer.cancel': 'Cancel campaign',
  'drawer.window': 'Window', 'drawer.receiptDue': 'Receipts due', 'drawer.modules': 'Checklists', 'drawer.siteKinds': 'Sites',
  'drawer.allKinds': 'Every kind the checklists apply to', 'drawer.notes': 'Instructions', 'drawer.attachment': 'Notice document', 'drawer.none': 'None',
  'drawer.dispatchedAt': 'Dispatched', 'drawer.centers': 'Receipts and progress by center', 'drawer.summary': '{n}/{t} submitted', 'drawer.summaryLate': '{n} centers late', 'drawer.cancelled': 'Cancelled {t}: {r}',
  'drawer.loadFailed': 'Failed to load: {m}', 'drawer.refreshed': 'Refreshed',
  'center.name': 'Center', 'center.tasks': 'Tasks done', 'center.missed': 'Missed', 'center.receipt': 'Receipt',
  'center.submittedAt': 'Submitted', 'center.submittedBy': 'By', 'center.done': 'Carried out', 'center.findings': 'Found',
  'center.note': 'Note', 'center.notOwed': 'Not owed', 'center.yes': 'Yes', 'center.no': 'No', 'center.corrected': 'corrected {t}',
  'center.tasksOf': 'Tasks of {c}', 'center.noTasks': 'This center has no tasks', 'center.expand': 'Tasks', 'center.collapse': 'Hide',
  'task.site': 'Site', 'task.module': 'Checklist', 'task.state': 'State', 'task.doneAt': 'Done',
  'task.due': 'To do', 'task.done': 'Done', 'task.missed': 'Missed', 'task.cancelled': 'Cancelled',
  'cancel.title': 'Cancel "{t}"', 'cancel.reason': 'Reason (required, 2 characters or more)', 'cancel.ok': 'Cancel campaign', 'cancel.no': 'Keep it',
  'cancel.done': 'Cancelled', 'cancel.hint': 'Tasks not done are cancelled; receipts not submitted are no longer owed.',
  'd.title': 'Dispatch a check', 'd.name': 'Title', 'd.namePh': 'e.g. Fire safety check before New Year', 'd.kind': 'Kind',
  'd.modules': 'Checklists', 'd.modulesPh': 'The checklists to run (several allowed)', 'd.centers': 'Centers',
  'd.centersPh': 'None chosen: every operating center', 'd.siteKinds': 'Sites', 'd.siteKindsPh': 'None chosen: every kind the checklists apply to',
  'd.window': 'Window', 'd.receiptDue': 'Receipts due', 'd.receiptHint': 'Not before the window ends',
  'd.notes': 'Instructions', 'd.notesPh': 'What to look at, what to report', 'd.file': 'Notice document', 'd.fileHint': 'PDF, Word, Excel or an image; optional',
  'd.pick': 'Choose a file', 'd.clearFile': 'Remove', 'd.send': 'Dispatch', 'd.sent': 'Dispatched "{t}"', 'd.required': '{f} is required',
  'd.uploadFailed': 'Dispatched, but the notice document did not upload: {m}. Upload it again from the details.', 'd.start': 'Start', 'd.end': 'End',
  'r.title': 'Receipt of {c}', 'd.upload': 'Upload notice document', 'd.days': '{n} days', 'd.uploaded': 'Notice document uploaded',
}

export const st = catalogue<CampaignKey>(zh, en)

import { fill, lang } from '../lib/i18n'

// The control room's and the monthly report's strings: a catalogue of their own, loaded with their
// lazy chunks (the phone's first screen carries lib/i18n.ts only). Chinese first; English must have
// every key (checked by the type).
const zh = {
  'room.title': '总控制室', 'room.forbidden': '总控制室和月报仅供质监办、集团领导查看',
  'room.period': '统计期 {from} 至 {to}', 'room.updated': '更新于 {t}', 'room.loadFailed': '数据加载失败，保留上次数据：{m}',
  'room.live': '实时推送', 'room.connecting': '连接中…', 'room.retrying': '重连中…', 'room.refused': '实时推送已停止（请重新登录）',
  'kpi.open': '在办隐患', 'kpi.overdue': '逾期', 'kpi.major': '重大隐患', 'kpi.closure': '闭环率', 'kpi.onTime': '按期闭环率',
  'kpi.completion': '巡检完成率', 'kpi.missed': '漏检 {n}', 'kpi.daysToClose': '闭环用时（天）', 'kpi.medianP90': '中位 {m} · P90 {p}',
  'kpi.oldest': '最久逾期 {n} 天', 'kpi.ofReported': '本期上报 {n}', 'kpi.closedOnTime': '按期 {n}/{m}',
  'chart.status': '在办隐患 · 状态', 'chart.grade': '在办隐患 · 等级', 'chart.category': '在办隐患 · 类别',
  'chart.weekly': '每周上报与闭环', 'chart.completion': '巡检任务完成', 'chart.reported': '上报', 'chart.closed': '闭环',
  'chart.done': '已完成', 'chart.missed': '漏检', 'chart.pending': '未到期', 'chart.empty': '暂无数据',
  'league.title': '各中心排名', 'league.center': '中心', 'league.closure': '闭环率', 'league.overdue': '逾期',
  'league.completion': '完成率', 'league.open': '在办', 'league.onTime': '按期率',
  'league.drills': '演练/培训', 'league.drillsHint': '本年应急演练/安全培训次数',
  'list.overdue': '逾期隐患', 'list.escalated': '逾期升级', 'list.supervised': '挂牌督办', 'list.receipts': '专项检查回执',
  'list.count': '共 {n} 项', 'list.none': '暂无', 'list.days': '逾期 {n} 天', 'list.level1': '已报中心', 'list.level2': '已报质监办',
  'list.orderNo': '督办单 {no}', 'list.deadline': '时限 {d}', 'list.receiptLine': '已回执 {s}/{c}', 'list.late': '迟报 {n}',
  'list.pendingLate': '逾期未报 {n}',
  'feed.title': '实时动态', 'feed.reported': '新隐患', 'feed.closed': '已闭环', 'feed.fixed': '当场整改', 'feed.waiting': '等待新动态…',
  'report.title': '安全巡查月报', 'report.print': '打印', 'report.month': '{y}年{m}月', 'report.badMonth': '月份格式应为 YYYY-MM',
  'report.group': '后勤集团', 'report.generated': '生成于 {t}', 'report.summary': '一、本月概况', 'report.charts': '二、隐患与巡检趋势',
  'report.centers': '三、各中心情况', 'report.topOverdue': '四、逾期隐患（前 {n} 项）', 'report.trainings': '五、安全培训与应急演练',
  'report.campaigns': '六、专项检查', 'report.ranking': '七、考核排名', 'report.noRecords': '本月无记录',
  'report.reported': '上报隐患', 'report.closed': '已闭环', 'report.cancelled': '已撤销', 'report.closure': '闭环率',
  'report.onTime': '按期闭环率', 'report.median': '闭环用时中位数（天）', 'report.p90': '闭环用时 P90（天）',
  'report.completion': '巡检完成率', 'report.tasks': '巡检任务（完成/应完成）', 'report.missed': '漏检', 'report.openNow': '当前在办',
  'report.overdueNow': '当前逾期', 'report.majorNow': '当前重大隐患', 'report.site': '点位', 'report.deadline': '整改时限',
  'report.status': '状态', 'report.noPhoto': '无照片', 'report.kind': '类型', 'report.date': '日期', 'report.topic': '主题',
  'report.participants': '人数', 'report.duration': '时长（分钟）', 'report.drill': '应急演练', 'report.training': '安全培训',
  'report.window': '检查时间', 'report.receiptDue': '回执截止', 'report.rank': '名次', 'report.score': '得分',
  'report.center': '中心', 'report.loading': '正在生成报告…', 'report.partial': '部分数据未能加载：{m}',
  'report.periodNote': '统计期 {from} 至 {to}；在办、逾期为生成时的数据。',
  'report.rankingNote': '各项得分 0–100，总分为适用项按权重的加权平均；“—”表示本期无可评数据。',
  'factor.on_time_closure': '按期闭环', 'factor.overdue': '逾期', 'factor.patrol_completion': '巡检完成',
  'factor.repeat_findings': '重复隐患', 'factor.tables_on_time': '报表按时', 'factor.drills_trainings': '培训演练',
} as const

export type RoomKey = keyof typeof zh

const en: Record<RoomKey, string> = {
  'room.title': 'Control room', 'room.forbidden': 'The control room and the monthly report are for the QA office and leaders',
  'room.period': 'Period {from} to {to}', 'room.updated': 'Updated {t}', 'room.loadFailed': 'Could not load, showing the last figures: {m}',
  'room.live': 'Live', 'room.connecting': 'Connecting…', 'room.retrying': 'Reconnecting…', 'room.refused': 'Live feed stopped (log in again)',
  'kpi.open': 'Open hazards', 'kpi.overdue': 'Overdue', 'kpi.major': 'Major hazards', 'kpi.closure': 'Closure rate', 'kpi.onTime': 'On-time closure',
  'kpi.completion': 'Patrol completion', 'kpi.missed': '{n} missed', 'kpi.daysToClose': 'Days to close', 'kpi.medianP90': 'median {m} · p90 {p}',
  'kpi.oldest': 'oldest {n} days', 'kpi.ofReported': '{n} reported', 'kpi.closedOnTime': 'on time {n}/{m}',
  'chart.status': 'Open hazards by status', 'chart.grade': 'Open hazards by grade', 'chart.category': 'Open hazards by category',
  'chart.weekly': 'Reported vs closed per week', 'chart.completion': 'Patrol tasks', 'chart.reported': 'Reported', 'chart.closed': 'Closed',
  'chart.done': 'Done', 'chart.missed': 'Missed', 'chart.pending': 'Not yet due', 'chart.empty': 'No data',
  'league.title': 'Centers', 'league.center': 'Center', 'league.closure': 'Closure', 'league.overdue': 'Overdue',
  'league.completion': 'Completion', 'league.open': 'Open', 'league.onTime': 'On time',
  'league.drills': 'Drills/training', 'league.drillsHint': 'Drills and trainings held this year',
  'list.overdue': 'Overdue hazards', 'list.escalated': 'Escalated', 'list.supervised': 'Under supervision order', 'list.receipts': 'Campaign receipts',
  'list.count': '{n} in all', 'list.none': 'None', 'list.days': '{n} days overdue', 'list.level1': 'Center manager told', 'list.level2': 'QA office told',
  'list.orderNo': 'Order {no}', 'list.deadline': 'Deadline {d}', 'list.receiptLine': 'Receipts {s}/{c}', 'list.late': '{n} late',
  'list.pendingLate': '{n} overdue',
  'feed.title': 'Live feed', 'feed.reported': 'New hazard', 'feed.closed': 'Closed', 'feed.fixed': 'Fixed on the spot', 'feed.waiting': 'Waiting for news…',
  'report.title': 'Monthly safety report', 'report.print': 'Print', 'report.month': '{y}-{m}', 'report.badMonth': 'The month must be YYYY-MM',
  'report.group': 'Logistics group', 'report.generated': 'Generated {t}', 'report.summary': '1. The month in figures', 'report.charts': '2. Hazards and patrols',
  'report.centers': '3. Centers', 'report.topOverdue': '4. Overdue hazards (top {n})', 'report.trainings': '5. Trainings and drills',
  'report.campaigns': '6. Campaigns', 'report.ranking': '7. Evaluation ranking', 'report.noRecords': 'No records this month',
  'report.reported': 'Hazards reported', 'report.closed': 'Closed', 'report.cancelled': 'Cancelled', 'report.closure': 'Closure rate',
  'report.onTime': 'On-time closure', 'report.median': 'Days to close, median', 'report.p90': 'Days to close, p90',
  'report.completion': 'Patrol completion', 'report.tasks': 'Patrol tasks (done/due)', 'report.missed': 'Missed', 'report.openNow': 'Open now',
  'report.overdueNow': 'Overdue now', 'report.majorNow': 'Major hazards now', 'report.site': 'Site', 'report.deadline': 'Deadline',
  'report.status': 'Status', 'report.noPhoto': 'No photo', 'report.kind': 'Kind', 'report.date': 'Date', 'report.topic': 'Topic',
  'report.participants': 'People', 'report.duration': 'Minutes', 'report.drill': 'Drill', 'report.training': 'Training',
  'report.window': 'Window', 'report.receiptDue': 'Receipts due', 'report.rank': 'Rank', 'report.score': 'Score',
  'report.center': 'Center', 'report.loading': 'Preparing the report…', 'report.partial': 'Some figures could not be loaded: {m}',
  'report.periodNote': 'Period {from} to {to}; open and overdue as of generation.',
  'report.rankingNote': 'Each factor scores 0–100; the total is the weighted mean of the factors that apply; "—": nothing to judge this period.',
  'factor.on_time_closure': 'On-time closure', 'factor.overdue': 'Overdue', 'factor.patrol_completion': 'Patrols',
  'factor.repeat_findings': 'Repeats', 'factor.tables_on_time': 'Tables on time', 'factor.drills_trainings': 'Drills',
}

export function rt(key: RoomKey, params: Record<string, string | number> = {}): string {
  return fill(lang.value === 'en-US' ? en[key] : zh[key], params)
}

import { catalogue } from '../i18n'

// 审计日志's strings
const zh = {
  'v.checking': '正在校验审计链…', 'v.intact': '审计链完整', 'v.broken': '审计链已损坏', 'v.recheck': '重新校验',
  'v.entries': '已校验 {n} 条记录', 'v.unkeyed': '其中 {n} 条写于启用密钥之前（SHA-256）', 'v.took': '校验于 {t}，用时 {ms} 毫秒',
  'v.brokenAt': '在第 {n} 条记录处断开', 'v.reason': '原因：{r}', 'v.anchors': '外部锚点', 'v.anchorsOk': '{n} 个锚点与数据库一致', 'v.anchorsNone': '尚未写入锚点',
  'v.anchorsBad': '锚点不一致', 'v.firstBad': '首个不一致的锚点：{a}', 'v.missing': '锚点文件缺少：{a}', 'v.failed': '无法校验：{m}',
  'reason.hash_mismatch': '记录内容与哈希不符（被修改）', 'reason.broken_link': '与上一条记录的链接断开', 'reason.missing_entry': '记录缺失（被删除）',
  'reason.head_mismatch': '链尾与记录不符（末尾记录被删除）', 'reason.head_seal': '链尾签名无效',
  'f.action': '动作', 'f.actionHint': '如 hazard.assign；以 . 结尾按前缀，如 user.', 'f.objectType': '对象类型', 'f.objectId': '对象编号',
  'f.actor': '操作人', 'f.actorClear': '清除操作人筛选', 'f.time': '时间', 'f.from': '开始', 'f.to': '结束',
  'col.id': '序号', 'col.at': '时间', 'col.actor': '操作人', 'col.action': '动作', 'col.object': '对象', 'col.summary': '摘要',
  'col.request': '请求编号', 'empty': '没有符合条件的审计记录', 'filterActor': '只看此人的操作', 'filterObject': '只看此对象的记录',
} as const

const en: Record<keyof typeof zh, string> = {
  'v.checking': 'Verifying the audit chain…', 'v.intact': 'Audit chain intact', 'v.broken': 'Audit chain broken', 'v.recheck': 'Verify again',
  'v.entries': '{n} entries checked', 'v.unkeyed': '{n} of them written before the chain was keyed (SHA-256)', 'v.took': 'Verified {t} in {ms} ms',
  'v.brokenAt': 'Broken at entry {n}', 'v.reason': 'Reason: {r}', 'v.anchors': 'External anchors', 'v.anchorsOk': '{n} anchors agree with the database', 'v.anchorsNone': 'none written yet',
  'v.anchorsBad': 'Anchors disagree', 'v.firstBad': 'First anchor in disagreement: {a}', 'v.missing': 'Missing from the anchor file: {a}', 'v.failed': 'Could not verify: {m}',
  'reason.hash_mismatch': 'the entry does not match its hash (changed)', 'reason.broken_link': 'the link to the previous entry is broken',
  'reason.missing_entry': 'an entry is missing (removed)', 'reason.head_mismatch': 'the head does not match the last entry (entries removed at the end)',
  'reason.head_seal': 'the head\'s seal is invalid',
  'f.action': 'Action', 'f.actionHint': 'e.g. hazard.assign; ending in . for a prefix, e.g. user.', 'f.objectType': 'Object type', 'f.objectId': 'Object id',
  'f.actor': 'Actor', 'f.actorClear': 'Clear the actor filter', 'f.time': 'Time', 'f.from': 'From', 'f.to': 'To',
  'col.id': 'No.', 'col.at': 'Time', 'col.actor': 'Actor', 'col.action': 'Action', 'col.object': 'Object', 'col.summary': 'Summary',
  'col.request': 'Request', 'empty': 'No audit entries match', 'filterActor': 'Only this actor\'s entries', 'filterObject': 'Only this object\'s entries',
}

export const st = catalogue(zh, en)
export type AuditKey = keyof typeof zh

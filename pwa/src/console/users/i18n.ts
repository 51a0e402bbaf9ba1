import { catalogue } from '../i18n'

// 用户与角色's strings (role names come from lib/i18n's `label('role', …)`)
const zh = {
  'f.q': '用户名或姓名', 'f.role': '角色', 'f.center': '中心', 'f.active': '状态',
  'active.true': '启用', 'active.false': '已停用', 'mustChange': '待设置新密码',
  'col.username': '用户名', 'col.name': '姓名', 'col.roles': '角色', 'col.center': '中心', 'col.status': '状态',
  'col.created': '创建时间', 'groupWide': '集团（不属于中心）',
  'new': '新建用户', 'edit': '编辑', 'reset': '重置密码', 'disable': '停用', 'enable': '启用', 'empty': '没有符合条件的用户',
  'form.newTitle': '新建用户', 'form.editTitle': '编辑用户 {u}', 'form.username': '用户名', 'form.usernameHint': '字母、数字、_ . -，保存后不能修改',
  'form.name': '姓名', 'form.nameHint': '同事看到的名字，如：饮食中心 陈师傅', 'form.roles': '角色', 'form.center': '中心',
  'form.centerHint': '巡检员和中心负责人必须属于一个中心；集团领导、质监办、系统管理员可不选', 'form.phone': '联系电话',
  'form.firstPassword': '创建后将生成一次性临时密码，交给本人首次登录时设置新密码。',
  'form.rolesRequired': '至少选择一个角色',
  'created': '已创建用户 {u}', 'saved': '已保存', 'createdNoOtp': '用户已创建，但生成临时密码失败：{m}。请点“重置密码”重试。',
  'resetTitle': '重置 {u} 的密码？', 'resetBody': '将生成一次性临时密码，{u} 当前的所有登录会话立即失效。临时密码只显示一次。',
  'disableTitle': '停用 {u}？', 'disableBody': '停用后 {u} 不能登录，当前登录会话立即失效；可随时重新启用。',
  'enableTitle': '启用 {u}？', 'enableBody': '启用后 {u} 可以用原密码登录。',
  'disabled': '已停用 {u}', 'enabled': '已启用 {u}', 'refused': '操作未成功：{m}',
  'otp.title': '{u} 的临时密码', 'otp.lead': '请将此临时密码当面或通过可靠渠道交给 {n}。首次登录时必须设置新密码，临时密码随即失效。',
  'otp.newLead': '用户 {n} 已创建。请将此临时密码交给本人，首次登录时必须设置新密码。',
  'otp.warning': '临时密码只显示这一次，关闭后无法再次查看；忘记了只能重新生成。',
} as const

const en: Record<keyof typeof zh, string> = {
  'f.q': 'Username or name', 'f.role': 'Role', 'f.center': 'Center', 'f.active': 'Status',
  'active.true': 'Active', 'active.false': 'Disabled', 'mustChange': 'Must set a new password',
  'col.username': 'Username', 'col.name': 'Name', 'col.roles': 'Roles', 'col.center': 'Center', 'col.status': 'Status',
  'col.created': 'Created', 'groupWide': 'Group (no center)',
  'new': 'New user', 'edit': 'Edit', 'reset': 'Reset password', 'disable': 'Disable', 'enable': 'Enable', 'empty': 'No users match',
  'form.newTitle': 'New user', 'form.editTitle': 'Edit user {u}', 'form.username': 'Username', 'form.usernameHint': 'Letters, digits, _ . -; cannot be changed later',
  'form.name': 'Name', 'form.nameHint': 'The name colleagues see, e.g. Catering · Chen', 'form.roles': 'Roles', 'form.center': 'Center',
  'form.centerHint': 'Inspectors and center managers belong to a center; leaders, QA and administrators need none', 'form.phone': 'Phone',
  'form.firstPassword': 'A one-time password is made when the user is created: give it to them; their first login sets their own.',
  'form.rolesRequired': 'Choose at least one role',
  'created': 'User {u} created', 'saved': 'Saved', 'createdNoOtp': 'The user was created, but no one-time password was made: {m}. Use "Reset password" to try again.',
  'resetTitle': 'Reset the password of {u}?', 'resetBody': 'A one-time password is made and every session of {u} ends now. It is shown only once.',
  'disableTitle': 'Disable {u}?', 'disableBody': '{u} can no longer log in and their sessions end now; you can enable them again at any time.',
  'enableTitle': 'Enable {u}?', 'enableBody': '{u} can log in with their password again.',
  'disabled': '{u} disabled', 'enabled': '{u} enabled', 'refused': 'Not done: {m}',
  'otp.title': 'One-time password of {u}', 'otp.lead': 'Give this one-time password to {n} in person or over a trusted channel. Their first login must set a new password, which ends it.',
  'otp.newLead': 'User {n} is created. Give them this one-time password: their first login must set a new password.',
  'otp.warning': 'This one-time password is shown only this once and cannot be seen again after closing; if lost, make a new one.',
}

export const st = catalogue(zh, en)
export type UsersKey = keyof typeof zh

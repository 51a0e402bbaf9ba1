import { lang } from './i18n'

const TZ = 'Asia/Shanghai'
const dt = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** One date format everywhere: 11月29日 (Nov 29), the year only when it is not this year's. */
function day(y: number, m: number, d: number): string {
  const thisYear = Number(isoDay(new Date()).slice(0, 4))
  if (lang.value === 'en-US') return `${MONTHS[m - 1] ?? m} ${d}${y === thisYear ? '' : `, ${y}`}`
  return `${y === thisYear ? '' : `${y}年`}${m}月${d}日`
}

/** 11月29日 09:15 (Asia/Shanghai) */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const parts = Object.fromEntries(dt.formatToParts(new Date(iso)).map((p) => [p.type, p.value]))
  return `${day(Number(parts.year), Number(parts.month), Number(parts.day))} ${parts.hour}:${parts.minute}`
}

/** a date without time (YYYY-MM-DD, e.g. a deadline): 1月31日 */
export function fmtDate(d: string | null | undefined): string {
  if (!d) return '—'
  const [y, m, dd] = d.split('-').map(Number)
  return y && m && dd ? day(y, m, dd) : d
}

/** 0.50 万元; in English 0.50, the unit being in the label (Cost (10k CNY)), as the form types it */
export function fmtMoney(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—'
  return lang.value === 'en-US' ? Number(v).toFixed(2) : `${Number(v).toFixed(2)} 万元`
}

export function fmtBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(0)} MB`
  return `${Math.max(1, Math.round(n / 1024))} KB`
}

/** YYYY-MM-DD of a date, in Asia/Shanghai */
export function isoDay(d: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(d)
}

export function uuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

const TZ = 'Asia/Shanghai'
const dt = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false })

/** 11月29日 09:15 (Asia/Shanghai) */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const parts = Object.fromEntries(dt.formatToParts(new Date(iso)).map((p) => [p.type, p.value]))
  return `${parts.month}月${parts.day}日 ${parts.hour}:${parts.minute}`
}

export function fmtDate(d: string | null | undefined): string {
  if (!d) return '—'
  const [y, m, day] = d.split('-')
  return y && m && day ? `${y}年${Number(m)}月${Number(day)}日` : d
}

/** 0.50 万元 */
export function fmtMoney(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—'
  return `${Number(v).toFixed(2)} 万元`
}

export function fmtBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(0)} MB`
  return `${Math.round(n / 1024)} KB`
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

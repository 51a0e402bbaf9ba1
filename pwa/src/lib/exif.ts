/**
 * The photo's capture time from its EXIF, read on the phone BEFORE resizing (drawing on a canvas
 * drops EXIF), sent with the upload as `taken_at`. The parser (exifr's "lite" build: JPEG, HEIC, AVIF;
 * TIFF blocks only, no tag dictionaries) is imported on the first capture, never on the first screen.
 */

/** EXIF times carry no zone unless OffsetTimeOriginal is there: the phones are in China. */
export const DEFAULT_OFFSET = '+08:00'

const TAG_DATE_TIME_ORIGINAL = 0x9003
const TAG_OFFSET_TIME_ORIGINAL = 0x9011

const EXIF_TIME = /^\s*(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/
const OFFSET = /^\s*([+-])(\d{2}):?(\d{2})\s*$/

function normOffset(raw: unknown): string | null {
  if (typeof raw !== 'string') return null
  if (/^\s*Z\s*$/i.test(raw)) return '+00:00'
  const m = OFFSET.exec(raw)
  if (!m) return null
  const [, sign, hh, mm] = m
  if (Number(hh) > 14 || Number(mm) > 59) return null
  return `${sign}${hh}:${mm}`
}

/**
 * "2025:03:04 09:15:30" (+ "+09:00") -> "2025-03-04T09:15:30+09:00". Without a usable offset the
 * time is taken as Asia/Shanghai (+08:00). Anything that is not a real date-time -> null.
 */
export function exifTimeToIso(dateTime: unknown, offset?: unknown): string | null {
  if (typeof dateTime !== 'string') return null
  const m = EXIF_TIME.exec(dateTime)
  if (!m) return null
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number]
  // the server accepts years 2000-2100 only: a camera whose clock reset to 1970 or 1980 must not
  // make its photo a 422 the outbox can never send (the photo goes without a capture time)
  if (y < 2000 || y > 2100 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate()
  if (d > daysInMonth) return null
  const p = (n: number) => String(n).padStart(2, '0')
  return `${y}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${normOffset(offset) ?? DEFAULT_OFFSET}`
}

/** The capture time of an image file as ISO 8601 with an offset, or null (no EXIF, unreadable). */
export async function readTakenAt(file: Blob | Uint8Array | ArrayBuffer): Promise<string | null> {
  try {
    const exifr = await import('exifr/dist/lite.esm.mjs')
    const out = await exifr.parse(file, {
      gps: false, interop: false, ifd1: false, // IFD0 is read anyway: it points to the EXIF block
      exif: { pick: [TAG_DATE_TIME_ORIGINAL, TAG_OFFSET_TIME_ORIGINAL] },
      translateKeys: false, translateValues: false, reviveValues: false,
    }) as Record<number, unknown> | undefined
    if (!out) return null
    return exifTimeToIso(out[TAG_DATE_TIME_ORIGINAL], out[TAG_OFFSET_TIME_ORIGINAL])
  } catch (err) {
    console.warn('cannot read the EXIF capture time', err)
    return null
  }
}

/** Read a site code from a photo of its QR label: BarcodeDetector where the phone has it, else jsQR. */
interface DetectedBarcode { rawValue: string }
export interface BarcodeDetectorLike { detect(source: ImageBitmapSource): Promise<DetectedBarcode[]> }
export type BarcodeDetectorCtor = (new (opts: { formats: string[] }) => BarcodeDetectorLike) &
  { getSupportedFormats?: () => Promise<string[]> }

/** The QR payload is the site code, or a URL ending in /s/{code}. */
export function siteCodeFromPayload(raw: string): string {
  const text = raw.trim()
  const m = /\/s\/([^/?#]+)\/?(?:[?#].*)?$/.exec(text)
  return decodeURIComponent(m?.[1] ?? text)
}

export async function decodeQr(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  try {
    const Ctor = (globalThis as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector
    if (Ctor) {
      const found = await new Ctor({ formats: ['qr_code'] }).detect(bitmap)
      if (found[0]) return found[0].rawValue
    }
    const scale = Math.min(1, 1200 / Math.max(bitmap.width, bitmap.height))
    const w = Math.round(bitmap.width * scale)
    const h = Math.round(bitmap.height * scale)
    const canvas = document.createElement('canvas')
    canvas.width = w
    canvas.height = h
    const ctx = canvas.getContext('2d')
    if (!ctx) return null
    ctx.drawImage(bitmap, 0, 0, w, h)
    const { default: jsQR } = await import('jsqr')
    const res = jsQR(ctx.getImageData(0, 0, w, h).data, w, h)
    return res?.data ?? null
  } finally {
    bitmap.close()
  }
}

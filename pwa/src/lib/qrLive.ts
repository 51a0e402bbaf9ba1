/** Decode QR codes from camera frames: BarcodeDetector where the browser has it (Android Chrome,
 *  Safari 17+), else the lazily loaded ZXing WebAssembly reader. */
import type { BarcodeDetectorCtor } from './qr'

export type FrameDecoder = (frame: HTMLCanvasElement) => Promise<string | null>

async function nativeDetector(): Promise<FrameDecoder | null> {
  const Ctor = (globalThis as { BarcodeDetector?: BarcodeDetectorCtor }).BarcodeDetector
  if (!Ctor) return null
  // desktop Chromium on Linux has the class but no QR support behind it
  const formats = (await Ctor.getSupportedFormats?.().catch(() => [])) ?? []
  if (!formats.includes('qr_code')) return null
  const detector = new Ctor({ formats: ['qr_code'] })
  return async (frame) => (await detector.detect(frame))[0]?.rawValue ?? null
}

export async function frameDecoder(): Promise<FrameDecoder> {
  const native = await nativeDetector()
  if (native) return native
  const { readQr } = await import('./qrWasm')
  return async (frame) => {
    const ctx = frame.getContext('2d', { willReadFrequently: true })
    return ctx ? readQr(ctx.getImageData(0, 0, frame.width, frame.height)) : null
  }
}

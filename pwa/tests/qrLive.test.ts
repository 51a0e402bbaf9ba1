import { afterEach, describe, expect, it, vi } from 'vitest'
import { frameDecoder } from '../src/lib/qrLive'

type Frame = Parameters<Awaited<ReturnType<typeof frameDecoder>>>[0]

function fakeDetector(formats: string[], found: string | null): void {
  ;(globalThis as Record<string, unknown>).BarcodeDetector = class {
    static getSupportedFormats = async (): Promise<string[]> => formats
    async detect(): Promise<{ rawValue: string }[]> {
      return found ? [{ rawValue: found }] : []
    }
  }
}

afterEach(() => {
  delete (globalThis as Record<string, unknown>).BarcodeDetector
})

describe('frameDecoder', () => {
  it('uses the browser BarcodeDetector when it reads QR codes', async () => {
    fakeDetector(['ean_13', 'qr_code'], 'https://anxun.example/s/K1')
    const getContext = vi.fn()
    const decode = await frameDecoder()
    expect(await decode({ getContext } as unknown as Frame)).toBe('https://anxun.example/s/K1')
    expect(getContext).not.toHaveBeenCalled() // no pixels read: the detector takes the canvas
  })

  it('falls back to the WebAssembly reader when the detector has no QR support (desktop Linux Chromium)', async () => {
    fakeDetector(['ean_13'], 'never used')
    const getContext = vi.fn(() => null)
    const decode = await frameDecoder()
    expect(await decode({ getContext, width: 10, height: 10 } as unknown as Frame)).toBeNull()
    expect(getContext).toHaveBeenCalledWith('2d', { willReadFrequently: true })
  })
})

/** ZXing's QR reader compiled to WebAssembly, for browsers without BarcodeDetector. A lazy chunk:
 *  only the live scanner imports it. The .wasm is bundled by Vite and served from our own origin
 *  (the library would fetch it from a CDN): scanning works offline and on a closed campus network. */
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader'
import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url'

prepareZXingModule({
  overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) },
})

export async function readQr(frame: ImageData): Promise<string | null> {
  const [found] = await readBarcodes(frame, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 })
  return found?.isValid ? found.text : null
}

/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}
declare module 'exifr/dist/lite.esm.mjs' {
  // the lite build (JPEG, HEIC, AVIF; TIFF and XMP) has the same parse() as the full one
  export { parse } from 'exifr'
}

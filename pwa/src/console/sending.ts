/** A form's one request at a time: `busy` while it runs (the button spins) and what went wrong, in the
 *  server's words (`refusal`, shown under the form by ConsoleDialog). `send` throws, or answers the
 *  refusal itself (the records' save callbacks), or nothing when done. */
import { ref } from 'vue'
import { errorText } from './people'

export function useSending() {
  const busy = ref(false)
  const refusal = ref('')
  async function run(send: () => Promise<string | null | void>,
    describe: (err: unknown) => string | Promise<string> = errorText): Promise<void> {
    busy.value = true
    refusal.value = ''
    try {
      refusal.value = (await send()) ?? ''
    } catch (err) {
      refusal.value = await describe(err)
    } finally {
      busy.value = false
    }
  }
  return { busy, refusal, run }
}

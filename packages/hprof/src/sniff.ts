import { decodeText } from '@profconv/model'

/** True when the input starts as the hprof agent's text does (`JAVA PROFILE 1.0.1, created …`). */
export function sniffHprof(head: Uint8Array): boolean {
  return /^JAVA PROFILE \d+\.\d+\.\d+,/.test(decodeText(head.subarray(0, 256)).trimStart())
}

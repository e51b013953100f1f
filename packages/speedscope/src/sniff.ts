import { decodeText } from '@profconv/model'
import { SPEEDSCOPE_SCHEMA } from './file-format.js'

/** True for a JSON object that names speedscope's schema (within the bytes seen). */
export function sniffSpeedscope(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 64 * 1024))
  return /^\s*\{/.test(text) && text.includes(SPEEDSCOPE_SCHEMA)
}

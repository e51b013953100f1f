import { decodeText } from '@profconv/model'

/** True for a JSON object whose first bytes hold V8's `nodes` with `callFrame`s. */
export function sniffCpuprofile(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 64 * 1024))
  return /^\s*\{/.test(text) && text.includes('"nodes"') && text.includes('"callFrame"')
}

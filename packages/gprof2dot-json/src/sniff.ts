import { decodeText } from '@profconv/model'

/**
 * True when the input is a JSON object whose head has gprof2dot's keys: `"events"` or
 * `"callchain"` with `"functions"` or `"costs"`, or — where a long function table pushes the
 * events past the head — `"costs"` as an array and `"functions"` together.
 */
export function sniffGprof2dotJson(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 64 * 1024))
  if (!text.trimStart().startsWith('{')) return false
  const has = (key: string) => text.includes(`"${key}"`)
  if ((has('callchain') || has('events')) && (has('costs') || has('functions'))) return true
  return /"costs"\s*:\s*\[/.test(text) && has('functions')
}

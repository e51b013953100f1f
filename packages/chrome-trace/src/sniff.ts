import { decodeText } from '@profconv/model'

/**
 * True for JSON that is a Chrome trace: an object with a `traceEvents` array, or an array whose
 * first event has a phase (`"ph":`). Keys cannot occur inside JSON strings (their quotes would be
 * escaped), so a function named `traceEvents` in another format does not match.
 */
export function sniffChromeTrace(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 64 * 1024))
  const start = /^\s*([[{])/.exec(text)
  if (!start) return false
  if (start[1] === '{') return /"traceEvents"\s*:\s*\[/.test(text)
  return /^\s*\[\s*\{/.test(text) && /"ph"\s*:\s*"/.test(text)
}

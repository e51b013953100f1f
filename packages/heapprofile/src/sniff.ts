import { decodeText } from '@profconv/model'

/**
 * True for a JSON object with V8's heap profile keys: a `head` object and `selfSize`. (Keys
 * cannot occur inside JSON strings, so function names do not match.)
 */
export function sniffHeapprofile(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 64 * 1024))
  return /^\s*\{/.test(text) && /"head"\s*:\s*\{/.test(text) && /"selfSize"\s*:/.test(text)
}

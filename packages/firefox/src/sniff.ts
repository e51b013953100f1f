import { decodeText } from '@profconv/model'

/**
 * True for a JSON object with a `meta` and the tables of a Firefox Profiler file (processed or
 * Gecko) within the bytes seen.
 */
export function sniffFirefox(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 64 * 1024))
  if (!/^\s*\{/.test(text) || !text.includes('"meta"')) return false
  return (
    text.includes('"preprocessedProfileVersion"') ||
    text.includes('"stackTable"') ||
    text.includes('"frameTable"') ||
    (text.includes('"threads"') && text.includes('"stringTable"'))
  )
}

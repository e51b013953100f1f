import { decodeText } from '@profconv/model'

/** True when the input is a JSON object whose head has stackprof's `"mode"` and `"frames"`. */
export function sniffStackprof(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 64 * 1024))
  if (!text.trimStart().startsWith('{')) return false
  return /"mode"\s*:\s*"/.test(text) && text.includes('"frames"') && text.includes('"interval"')
}

import { decodeText } from '@profconv/model'

/**
 * A marshalled dict (`{`, possibly with FLAG_REF) whose first key is a tuple, or an empty one:
 * what every pstats writer produces.
 */
export function sniffPstats(bytes: Uint8Array): boolean {
  if (bytes.length < 2 || (bytes[0] & 0x7f) !== 0x7b) return false
  const next = bytes[1] & 0x7f
  return next === 0x28 || next === 0x29 || (bytes[1] === 0x30 && bytes.length === 2)
}

/** JSON that declares `"format": "pstats-json"` near its start. */
export function sniffPstatsJson(bytes: Uint8Array): boolean {
  const head = decodeText(bytes.subarray(0, 4096)).trimStart()
  return head.startsWith('{') && /"format"\s*:\s*"pstats-json"/.test(head)
}

import { decodeText, textEncoding } from '@profconv/model'

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
  // Most candidates are binary (pprof, marshal): refuse them before decoding 4 KiB of text.
  if (!startsLikeJsonObject(bytes)) return false
  const head = decodeText(bytes.subarray(0, 4096)).trimStart()
  return head.startsWith('{') && /"format"\s*:\s*"pstats-json"/.test(head)
}

/** A `{` after white space and a UTF-8 BOM, or any UTF-16 text (a BOM), which decodeText reads. */
function startsLikeJsonObject(bytes: Uint8Array): boolean {
  if (textEncoding(bytes) !== 'utf-8') return true
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  while (
    i < bytes.length &&
    (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
  )
    i++
  return bytes[i] === 0x7b
}

import { decodeText } from '@profconv/model'
import { isIndented, parseFrame } from './frame-line.js'
import { parseHeader } from './header.js'

/**
 * True when the input opens (after `#` comment lines) with a `perf script` sample: a header
 * `comm pid/tid … event:` that names an event, followed by a frame line `addr sym (dso)` — on
 * the next, indented line, or at the header's end when recorded without call chains.
 */
export function sniffPerfScript(head: Uint8Array): boolean {
  const lines = decodeText(head.subarray(0, 16 * 1024)).split('\n')
  let at = 0
  while (at < lines.length && (lines[at].trim() === '' || lines[at].startsWith('#'))) at++
  if (at + 1 >= lines.length) return false
  const header = parseHeader(lines[at].replace(/\r$/, ''))
  if (!header || header.event === '') return false
  if (header.rest !== '' && parseFrame(header.rest)) return true
  const next = lines[at + 1].replace(/\r$/, '')
  return isIndented(next) && parseFrame(next) !== undefined
}

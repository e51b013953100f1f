import { decodeText } from '@profconv/model'

const BANNER = /^CPU\s+ID\s+FUNCTION:NAME$/

/**
 * True when the head of the input holds a DTrace stack aggregation: indented `module\`symbol`
 * frame lines followed by an indented count line (after the ending probe's banner, if any).
 */
export function sniffDtrace(head: Uint8Array): boolean {
  const lines = decodeText(head.subarray(0, 64 * 1024)).split('\n')
  let frames = 0
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const text = line.trim()
    if (text === '') continue
    if (BANNER.test(text)) {
      i++
      continue
    }
    if (!/^\s/.test(line)) return false
    if (/^\d+$/.test(text)) return frames > 0
    if (/^\S+`\S/.test(text)) frames++
    else if (!/^0x[0-9a-fA-F]+$/.test(text)) return false
  }
  return false
}

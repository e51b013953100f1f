import { decodeText } from '@profconv/model'

/**
 * True when the first lines (up to 10 whole ones) all read `stack count` or `stack count count`,
 * with a count that is a plain integer or decimal.
 */
export function sniffFolded(head: Uint8Array): boolean {
  const text = decodeText(head.subarray(0, 16 * 1024))
  const lines = text.split('\n')
  if (lines.length > 1) lines.pop() // possibly cut short
  const seen = lines
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '')
    .slice(0, 10)
  return seen.length > 0 && seen.every((l) => FOLDED_LINE.test(l))
}

const FOLDED_LINE = /^[^\s;][^\n]*? \d+(\.\d*)?( \d+(\.\d*)?)?\s*$/

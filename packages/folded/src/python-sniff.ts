import { decodeText } from '@profconv/model'

/** The first whole lines of `head` that are not blank (up to 10), and the `#` lines among them. */
function firstLines(head: Uint8Array): string[] {
  const lines = decodeText(head.subarray(0, 16 * 1024)).split('\n')
  if (lines.length > 1) lines.pop() // possibly cut short
  return lines
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '')
    .slice(0, 10)
}

const TACHYON_LINE = /^tid:\d+(;[^\n]*)? \d+\s*$/

/** Python 3.15 `profiling.sampling --collapsed`: every line starts `tid:<digits>` and ends in a count. */
export function sniffTachyonCollapsed(head: Uint8Array): boolean {
  const lines = firstLines(head)
  return lines.length > 0 && lines.every((l) => TACHYON_LINE.test(l))
}

const AUSTIN3_LINE = /^P\d+;T[0-9a-fA-Fx:]+(;[^\n]*)? -?\d+(,-?\d+)*\s*$/
const AUSTIN1_LINE = /^Thread (0x)?[0-9a-fA-F]+(;[^\n]*)? -?\d+( -?\d+ -?\d+)?\s*$/

/**
 * austin: a `# austin: <version>` metadata line, or sample lines that all start `P<pid>;T<tid>`
 * (austin 3) or `Thread <id>` (austin 1).
 */
export function sniffAustin(head: Uint8Array): boolean {
  const lines = firstLines(head)
  if (lines.some((l) => /^# austin: \d/.test(l))) return true
  const samples = lines.filter((l) => !l.startsWith('#'))
  return (
    samples.length > 0 &&
    (samples.every((l) => AUSTIN3_LINE.test(l)) || samples.every((l) => AUSTIN1_LINE.test(l)))
  )
}

import type { TextBuffer } from './text.js'

/** Graphviz's scanner refuses quoted strings past 16384 characters; longer text is split. */
const CHUNK = 4096

/**
 * A DOT quoted string for any text: backslashes and quotes escaped, line breaks as `\n`, other
 * control characters dropped. No function name can end the string or add attributes, and
 * Graphviz's own escapes (`\N`, `\G`, `\l`) cannot be triggered from a name. Long text becomes
 * DOT's concatenation `"…" + "…"`, which Graphviz joins back.
 */
export function quote(text: string): string {
  return quoteLines([text])
}

/** Several label lines as one quoted DOT string (each line escaped, joined by `\n`). */
export function quoteLines(lines: readonly string[]): string {
  return quoteWith(lines, '\\\\')
}

/** `quoteLines` written to `out`. */
export function addLines(out: TextBuffer, lines: readonly string[]): void {
  addQuoted(out, lines, '\\\\')
}

/**
 * Tooltip lines, quoted, written to `out`. Graphviz unescapes tooltips once more than labels
 * and expands `\N`, `\G` there even after an escaped backslash, so a backslash is written
 * doubly.
 */
export function addTooltip(out: TextBuffer, lines: readonly string[]): void {
  addQuoted(out, lines, '\\\\\\\\')
}

/** A character `quoteWith` has to escape or drop: backslash, quote, control characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const NEEDS_ESCAPE = /[\\"\x00-\x1f\x7f]/

/**
 * Whether the lines are written as they are: nothing to escape and within one chunk. Most
 * names are (a 35k-function drawing has 70k names and tooltips): one native regex test each
 * instead of a walk character by character. UTF-16 length bounds the code points counted.
 */
function plain(lines: readonly string[]): boolean {
  let length = lines.length - 1
  for (const line of lines) {
    length += line.length
    if (length > CHUNK || NEEDS_ESCAPE.test(line)) return false
  }
  return true
}

function quoteWith(lines: readonly string[], backslash: string): string {
  if (!plain(lines)) return quoteSlowly(lines, backslash)
  let text = '"'
  for (let i = 0; i < lines.length; i++) text += i > 0 ? '\\n' + lines[i] : lines[i]
  return text + '"'
}

/** `quoteWith` into a buffer: plain lines piece by piece, without making the quoted string. */
function addQuoted(out: TextBuffer, lines: readonly string[], backslash: string): void {
  if (!plain(lines)) return out.add(quoteSlowly(lines, backslash))
  out.add('"')
  for (let i = 0; i < lines.length; i++) {
    if (i > 0) out.add('\\n')
    out.add(lines[i])
  }
  out.add('"')
}

/** `quoteWith` character by character: escapes, and chunks for Graphviz's length limit. */
function quoteSlowly(lines: readonly string[], backslash: string): string {
  const pieces: string[] = []
  let current = ''
  let length = 0
  const add = (escaped: string) => {
    if (length >= CHUNK) {
      pieces.push(current)
      current = ''
      length = 0
    }
    current += escaped
    length++
  }
  lines.forEach((line, i) => {
    if (i > 0) add('\\n')
    for (const ch of line) {
      const code = ch.codePointAt(0)!
      if (ch === '\\') add(backslash)
      else if (ch === '"') add('\\"')
      else if (ch === '\n') add('\\n')
      else if (code >= 0x20 && code !== 0x7f) add(ch)
    }
  })
  pieces.push(current)
  return pieces.map((p) => `"${p}"`).join(' + ')
}

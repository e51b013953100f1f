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

/** Lines known to need no escaping (numbers, percentages, `new`), quoted as they are. */
export function quotePlain(lines: readonly string[]): string {
  return '"' + lines.join('\\n') + '"'
}

/**
 * Tooltip lines as one quoted DOT string. Graphviz unescapes tooltips once more than labels and
 * expands `\N`, `\G` there even after an escaped backslash, so a backslash is written doubly.
 */
export function quoteTooltip(lines: readonly string[]): string {
  return quoteWith(lines, '\\\\\\\\')
}

/** A character `quoteWith` has to escape or drop: backslash, quote, control characters. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const NEEDS_ESCAPE = /[\\"\x00-\x1f\x7f]/

function quoteWith(lines: readonly string[], backslash: string): string {
  // Most names need nothing: checked first with one regex (native), they are quoted as they are
  // instead of character by character (a 35k-function drawing has 70k names and tooltips).
  // Within one chunk: UTF-16 length bounds the code points counted below.
  let length = lines.length - 1
  let plain = true
  for (let i = 0; plain && i < lines.length; i++) {
    length += lines[i].length
    plain = length <= CHUNK && !NEEDS_ESCAPE.test(lines[i])
  }
  if (plain) return '"' + (lines.length === 1 ? lines[0] : lines.join('\\n')) + '"'
  return quoteSlowly(lines, backslash)
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

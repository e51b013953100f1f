/** Where in the input a problem was found. Lines are 1-based, byte offsets 0-based. */
export interface Position {
  offset?: number
  line?: number
  column?: number
}

/**
 * The one error type every profconv reader and writer throws for bad input or an impossible
 * request. Anything else escaping a reader is a bug. The message is always one line: input text
 * quoted in `reason` has its control characters escaped and is cut after `MAX_REASON` characters.
 */
export class ProfconvError extends Error {
  override readonly name = 'ProfconvError'
  /** A sentence a user understands, without the position. */
  readonly reason: string
  constructor(
    /** Format name as in the registry (`pstats`, `callgrind`, …). */
    readonly format: string,
    reason: string,
    readonly position: Position = {},
  ) {
    const line = oneLine(reason)
    super(`${format}: ${describePosition(position)}${line}`)
    this.reason = line
  }
}

const MAX_REASON = 400

/** `text` with line breaks and other control characters escaped, at most `MAX_REASON` long. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\r'
        ? '\\r'
        : c === '\t'
          ? '\\t'
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
  return escaped.length > MAX_REASON ? `${escaped.slice(0, MAX_REASON)}…` : escaped
}

function describePosition({ offset, line, column }: Position): string {
  if (line !== undefined)
    return column !== undefined ? `line ${line}:${column}: ` : `line ${line}: `
  if (offset !== undefined) return `at byte ${offset}: `
  return ''
}

/** Where in the input a problem was found. Lines are 1-based, byte offsets 0-based. */
export interface Position {
  offset?: number
  line?: number
  column?: number
}

/**
 * The one error type every profconv reader and writer throws for bad input or an impossible
 * request. Anything else escaping a reader is a bug.
 */
export class ProfconvError extends Error {
  override readonly name = 'ProfconvError'
  constructor(
    /** Format name as in the registry (`pstats`, `callgrind`, …). */
    readonly format: string,
    /** A sentence a user understands, without the position. */
    readonly reason: string,
    readonly position: Position = {},
  ) {
    super(`${format}: ${describePosition(position)}${reason}`)
  }
}

function describePosition({ offset, line, column }: Position): string {
  if (line !== undefined)
    return column !== undefined ? `line ${line}:${column}: ` : `line ${line}: `
  if (offset !== undefined) return `at byte ${offset}: `
  return ''
}

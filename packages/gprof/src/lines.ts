/**
 * One line of a gprof call-graph entry, in GNU or BSD layout:
 *
 *     [4]     52.85    1.02     0.00    3+2     b <cycle 1> [4]        (the primary line)
 *                      0.16     1.77    1/1         main [2]           (a parent or child)
 *                                       3           a <cycle 1> [5]    (a call inside a cycle)
 *     [3]     91.71    1.77     0.00    1+5    <cycle 1 as a whole> [3]
 *
 * Seconds are `self` and `children` (BSD: descendents); the call count is `a`, `a/b` (calls from
 * this caller / all counted calls) or `a+b` (calls from others + recursive calls).
 */
export interface CallLine {
  /** The `[N]` this line begins with: present on primary lines only. */
  primary?: number
  percent?: number
  self?: number
  children?: number
  /** `a` of `a`, `a/b` and `a+b`. */
  calls?: number
  /** `b` of `a/b`: all the callee's counted calls. */
  total?: number
  /** `b` of `a+b`: recursive calls. */
  recursive?: number
  name: string
  /** N of `<cycle N>` after the name, or of `<cycle N as a whole>`. */
  cycle?: number
  /** True for `<cycle N as a whole>`. */
  whole?: boolean
  /** The `[N]` the line ends with; undefined for `<spontaneous>`. */
  index?: number
}

/**
 * Parses a call-graph line, or returns undefined when it is not one (text around the graph).
 * Numbers come first (a decimal point tells seconds from counts), the name runs to the trailing
 * `[N]`, and a `<cycle N>` just before it is the cycle tag.
 */
export function parseCallLine(line: string): CallLine | undefined {
  let end = line.length
  while (end > 0 && isSpace(line.charCodeAt(end - 1))) end--
  let at = skipSpaces(line, 0)
  if (at === end) return undefined

  let primary: number | undefined
  if (line.charCodeAt(at) === 91 /* [ */) {
    // `[N]`, or `[NNNNN` where GNU gprof's 6-column field cut the bracket off.
    let i = at + 1
    while (i < end && isDigit(line.charCodeAt(i))) i++
    if (i === at + 1) return undefined
    primary = Number(line.slice(at + 1, i))
    if (line.charCodeAt(i) === 93) i++
    at = i
  }

  // Trailing `[N]` (absent only for `<spontaneous>`).
  let index: number | undefined
  let nameEnd = end
  if (line.charCodeAt(end - 1) === 93 /* ] */) {
    const open = line.lastIndexOf('[', end - 1)
    if (open > at && isDigits(line, open + 1, end - 1)) {
      index = Number(line.slice(open + 1, end - 1))
      nameEnd = open
    }
  }

  const numbers: string[] = []
  let nameStart = at
  for (;;) {
    const start = skipSpaces(line, at)
    if (start >= nameEnd) return undefined
    const stop = tokenEnd(line, start, nameEnd)
    const token = line.slice(start, stop)
    if (!isNumberToken(token)) {
      nameStart = start
      break
    }
    numbers.push(token)
    at = stop
  }
  let name = line.slice(nameStart, nameEnd).trimEnd()

  const parsed: CallLine = { name }
  if (primary !== undefined) parsed.primary = primary
  if (index !== undefined) parsed.index = index
  else if (name !== '<spontaneous>') return undefined

  // The numbers: [percent] [self children] [calls].
  let n = 0
  if (primary !== undefined) {
    if (numbers.length === 0 || !numbers[0].includes('.')) return undefined
    parsed.percent = Number(numbers[n++])
  }
  if (n < numbers.length && numbers[n].includes('.')) {
    if (n + 1 >= numbers.length || !numbers[n + 1].includes('.')) return undefined
    parsed.self = Number(numbers[n++])
    parsed.children = Number(numbers[n++])
  }
  if (n < numbers.length) {
    const token = numbers[n++]
    if (token.includes('.')) return undefined
    const split = token.search(/[/+]/)
    parsed.calls = Number(split < 0 ? token : token.slice(0, split))
    if (split >= 0) {
      const rest = Number(token.slice(split + 1))
      if (token[split] === '/') parsed.total = rest
      else parsed.recursive = rest
    }
  }
  if (n < numbers.length) return undefined

  const whole = /^<cycle (\d+) as a whole>$/.exec(name)
  if (whole) {
    parsed.cycle = Number(whole[1])
    parsed.whole = true
    return parsed
  }
  const tag = trailing(name, '<cycle ', '>')
  if (tag) {
    parsed.cycle = tag.number
    name = tag.rest
    parsed.name = name
  }
  if (name === '') return undefined
  return parsed
}

/**
 * `text` ending in whitespace + `open` digits `close` (`name <cycle 2>`): the number and the text
 * before the whitespace. Undefined otherwise. (No regular expression: `\s+…$` is quadratic on long
 * runs of spaces.)
 */
function trailing(
  text: string,
  open: string,
  close: string,
): { number: number; rest: string } | undefined {
  if (!text.endsWith(close)) return undefined
  const at = text.lastIndexOf(open)
  if (at <= 0 || !isSpace(text.charCodeAt(at - 1))) return undefined
  if (!isDigits(text, at + open.length, text.length - close.length)) return undefined
  return {
    number: Number(text.slice(at + open.length, text.length - close.length)),
    rest: text.slice(0, at).trimEnd(),
  }
}

/** `12`, `12/40`, `3+5`, `0.16`, `-0.02` (VTune prints negative children). */
function isNumberToken(token: string): boolean {
  return /^-?\d+(\.\d+|[/+]\d+)?$/.test(token)
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

function isDigits(text: string, start: number, end: number): boolean {
  if (start >= end) return false
  for (let i = start; i < end; i++) if (!isDigit(text.charCodeAt(i))) return false
  return true
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9
}

function skipSpaces(line: string, at: number): number {
  while (at < line.length && isSpace(line.charCodeAt(at))) at++
  return at
}

function tokenEnd(line: string, at: number, end: number): number {
  while (at < end && !isSpace(line.charCodeAt(at))) at++
  return at
}

/** A row of the flat profile: `%time cumulative self [calls self/call total/call] name`. */
export interface FlatRow {
  self: number
  calls?: number
  name: string
}

/**
 * Parses a flat-profile row, or undefined when the line is not one. BSD gprof ends names with
 * their call-graph index (`name [5]`, or `name (41)` for functions without an entry): dropped.
 */
export function parseFlatRow(line: string): FlatRow | undefined {
  const tokens: string[] = []
  let at = 0
  let nameStart = -1
  while (tokens.length < 6) {
    const start = skipSpaces(line, at)
    if (start >= line.length) break
    const stop = tokenEnd(line, start, line.length)
    const token = line.slice(start, stop)
    if (!/^-?\d+(\.\d+)?$/.test(token)) {
      nameStart = start
      break
    }
    tokens.push(token)
    at = stop
  }
  if (nameStart < 0) {
    const start = skipSpaces(line, at)
    if (start >= line.length) return undefined
    nameStart = start
  }
  if (tokens.length !== 3 && tokens.length !== 4 && tokens.length !== 6) return undefined
  let name = line.slice(nameStart).trimEnd()
  name = (trailing(name, '[', ']') ?? trailing(name, '(', ')'))?.rest ?? name
  if (name === '') return undefined
  const row: FlatRow = { self: Number(tokens[2]), name }
  if (tokens.length > 3) {
    if (tokens[3].includes('.')) return undefined
    row.calls = Number(tokens[3])
  }
  return row
}

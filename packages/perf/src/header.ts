/** What a `perf script` sample header line says. */
export interface SampleHeader {
  comm: string
  /** The `pid/tid` or lone `tid` text, the thread's key with `comm`. */
  thread: string
  pid?: number
  tid: number
  /** Seconds, as perf prints it (`784.240746:`). */
  time?: number
  /** The period printed before the event name; absent when perf script did not print one. */
  period?: number
  /** Event name without modifiers (`cpu-clock` for `cpu-clock:ppp:`); `''` when not printed. */
  event: string
  /** Text after the event name: the sample's one frame when recorded without call chains. */
  rest: string
}

/**
 * Parses `comm pid/tid [cpu] time: period event: …` (fields other than comm and the thread id
 * may be absent). The command name may contain spaces: it ends before the first token that is a
 * number or `number/number`. Undefined when there is no such token.
 */
export function parseHeader(line: string): SampleHeader | undefined {
  let at = skipSpaces(line, 0)
  const commStart = at
  let commEnd = -1
  let thread = ''
  // The command name is at least one token; the thread id is the first numeric token after it.
  at = tokenEnd(line, at)
  for (;;) {
    const start = skipSpaces(line, at)
    if (start === line.length) return undefined
    const end = tokenEnd(line, start)
    if (isThreadId(line, start, end)) {
      commEnd = at
      thread = line.slice(start, end)
      at = end
      break
    }
    at = end
  }
  const slash = thread.indexOf('/')
  const header: SampleHeader = {
    comm: line.slice(commStart, commEnd),
    thread,
    tid: Number(slash < 0 ? thread : thread.slice(slash + 1)),
    event: '',
    rest: '',
  }
  if (slash >= 0) header.pid = Number(thread.slice(0, slash))

  let period: number | undefined
  for (;;) {
    const start = skipSpaces(line, at)
    if (start === line.length) break
    const end = tokenEnd(line, start)
    const token = line.slice(start, end)
    at = end
    if (token.startsWith('[') && token.endsWith(']')) continue // [cpu]
    if (token.endsWith(':') && isTime(token)) {
      header.time = Number(token.slice(0, -1))
      continue
    }
    if (isDigits(token, 0, token.length)) {
      period = Number(token)
      continue
    }
    if (token.endsWith(':')) {
      header.event = eventName(token.slice(0, -1))
      header.period = period
      header.rest = line.slice(skipSpaces(line, at)).trimEnd()
    } else {
      // No event name printed: what follows the numbers is the sample's own text.
      header.period = period
      header.rest = line.slice(start).trimEnd()
    }
    return header
  }
  header.period = period
  return header
}

/** `cycles:ppp` → `cycles`, `cpu-clock:u` → `cpu-clock`; tracepoints (`sched:sched_switch`) kept. */
function eventName(event: string): string {
  const colon = event.lastIndexOf(':')
  if (colon > 0 && /^[ukhIGHpPSDWe]+$/.test(event.slice(colon + 1))) return event.slice(0, colon)
  return event
}

function isThreadId(line: string, start: number, end: number): boolean {
  const slash = line.indexOf('/', start)
  if (slash < 0 || slash >= end) return isDigits(line, start, end)
  return isDigits(line, start, slash) && isDigits(line, slash + 1, end)
}

/** `784.240746:` */
function isTime(token: string): boolean {
  const dot = token.indexOf('.')
  return dot > 0 && isDigits(token, 0, dot) && isDigits(token, dot + 1, token.length - 1)
}

export function isDigits(text: string, start: number, end: number): boolean {
  if (start >= end) return false
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 9
}

export function skipSpaces(line: string, at: number): number {
  while (at < line.length && isSpace(line.charCodeAt(at))) at++
  return at
}

export function tokenEnd(line: string, at: number): number {
  while (at < line.length && !isSpace(line.charCodeAt(at))) at++
  return at
}

/** The name callgrind writes for an unknown file or object; read back as "absent". */
export const UNKNOWN_NAME = '???'

const UNITS: Record<string, string> = {
  ns: 'nanoseconds',
  us: 'microseconds',
  ms: 'milliseconds',
  s: 'seconds',
  nanoseconds: 'nanoseconds',
  microseconds: 'microseconds',
  milliseconds: 'milliseconds',
  seconds: 'seconds',
  bytes: 'bytes',
}

/**
 * The unit of a callgrind event: `count` (instructions, cache misses, ticks…), unless the
 * event's name ends in a time unit as `go tool pprof` writes them (`cpu(ms)`), or its long name
 * (`event: time : time [nanoseconds]`, as profconv writes) ends in one.
 */
export function eventUnit(name: string, longName = ''): string {
  for (const [text, open, close] of [
    [longName, '[', ']'],
    [name, '(', ')'],
  ] as const) {
    if (!text.endsWith(close)) continue
    const unit = UNITS[text.slice(text.lastIndexOf(open) + 1, -1)]
    if (unit) return unit
  }
  return 'count'
}

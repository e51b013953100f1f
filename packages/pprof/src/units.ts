/** pprof unit words other tools write, mapped to the model's unit names. */
const ALIASES: Record<string, string> = {
  ns: 'nanoseconds',
  nanosecond: 'nanoseconds',
  us: 'microseconds',
  µs: 'microseconds',
  microsecond: 'microseconds',
  ms: 'milliseconds',
  millisecond: 'milliseconds',
  s: 'seconds',
  sec: 'seconds',
  second: 'seconds',
  b: 'bytes',
  byte: 'bytes',
}

/** The model's unit for a pprof unit (`nanoseconds`, `bytes`, `count`, …; others kept as is). */
export function modelUnit(pprofUnit: string): string {
  return ALIASES[pprofUnit.toLowerCase()] ?? (pprofUnit || 'count')
}

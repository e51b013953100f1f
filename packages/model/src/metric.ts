import { ProfconvError } from './error.js'

/**
 * One measured quantity. `unit` is one of `nanoseconds`, `microseconds`, `milliseconds`,
 * `seconds`, `bytes`, `count`, or a format's own word (callgrind events use `count`).
 */
export interface Metric {
  name: string
  unit: string
}

const TIME_UNITS: Record<string, number> = {
  nanoseconds: 1,
  microseconds: 1e3,
  milliseconds: 1e6,
  seconds: 1e9,
}

/** Nanoseconds per unit for time units, undefined otherwise. */
export function nanosecondsPer(unit: string): number | undefined {
  return TIME_UNITS[unit]
}

/**
 * Resolves a user's `--metric` choice (a name, or an index as a number or digit string) to an
 * index into `metrics`; undefined picks `defaultIndex`.
 */
export function resolveMetric(
  metrics: readonly Metric[],
  defaultIndex: number,
  choice: string | number | undefined,
): number {
  if (choice === undefined || choice === '') return defaultIndex
  const byName = metrics.findIndex((m) => m.name === choice)
  if (byName >= 0) return byName
  const index = typeof choice === 'number' ? choice : /^\d+$/.test(choice) ? Number(choice) : -1
  if (index >= 0 && index < metrics.length) return index
  const names = metrics.map((m) => m.name).join(', ')
  throw new ProfconvError('profile', `no metric '${choice}': this profile has ${names}`)
}

/**
 * The note of a writer that holds one metric (`target`: pstats, folded, cpuprofile, …) when it
 * wrote metric `m` of several: which one, and which were dropped. Metrics the output keeps all
 * the same (`kept`: a count of 1 per sample, where each sample is written) are not dropped.
 * Undefined when nothing was.
 */
export function oneMetricNote(
  target: string,
  metrics: readonly Metric[],
  m: number,
  kept: (m: number) => boolean = () => false,
): string | undefined {
  const dropped = metrics.filter((_, i) => i !== m && !kept(i)).map((x) => x.name)
  if (dropped.length === 0) return undefined
  return `${target} holds one metric: wrote '${metrics[m].name}', dropped ${dropped.join(', ')}`
}

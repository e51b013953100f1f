import { nanosecondsPer, type Metric } from '@profconv/model'
import type { SpeedscopeUnit } from './file-format.js'

const UNITS: readonly string[] = [
  'none',
  'nanoseconds',
  'microseconds',
  'milliseconds',
  'seconds',
  'bytes',
]

export function isSpeedscopeUnit(unit: unknown): unit is SpeedscopeUnit {
  return typeof unit === 'string' && UNITS.includes(unit)
}

/** The metric a speedscope profile in `unit` reads as: `time`, `space` (bytes) or `samples` (none → count). */
export function metricFor(unit: SpeedscopeUnit): Metric {
  if (unit === 'none') return { name: 'samples', unit: 'count' }
  if (unit === 'bytes') return { name: 'space', unit: 'bytes' }
  return { name: 'time', unit }
}

/** The speedscope unit of `metric`: time units and bytes as they are, anything else `none`. */
export function unitFor(metric: Metric): SpeedscopeUnit {
  return nanosecondsPer(metric.unit) !== undefined || metric.unit === 'bytes'
    ? (metric.unit as SpeedscopeUnit)
    : 'none'
}

/** True when reading `metric` back from speedscope gives the same name and unit. */
export function survivesRoundTrip(metric: Metric): boolean {
  const back = metricFor(unitFor(metric))
  return back.name === metric.name && back.unit === metric.unit
}

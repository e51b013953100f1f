import { nanosecondsPer, resolveMetric } from './metric.js'
import type { Profile } from './profile.js'
import type { Samples } from './samples.js'

/** One metric of samples laid on a time axis, for writers of timed formats (cpuprofile, traces). */
export interface SampleTimeline {
  /** Index of the metric (`resolveMetric`'s choice) and its value per sample. */
  readonly metric: number
  readonly values: Float64Array
  /** True when the metric's unit is a time. */
  readonly isTime: boolean
  /** Microseconds per unit of the metric; 1 when the unit is not a time. */
  readonly usPerUnit: number
  /**
   * Sample times in nanoseconds since the start, only when the metric is a time and every
   * sample has a finite time, in order.
   */
  readonly times?: Float64Array
}

/** The timeline of `samples` for the metric `wanted` (name or index; default the profile's). */
export function sampleTimeline(
  profile: Profile,
  samples: Samples,
  wanted?: string | number,
): SampleTimeline {
  const metric = resolveMetric(profile.metrics, profile.defaultMetric, wanted)
  const nsPer = nanosecondsPer(profile.metrics[metric].unit)
  const isTime = nsPer !== undefined
  const values = samples.values[metric]
  const { time } = samples
  let ordered = isTime && time !== undefined
  for (let i = 0; i < samples.stack.length && ordered; i++) {
    ordered = Number.isFinite(time![i]) && (i === 0 || time![i] >= time![i - 1])
  }
  const usPerUnit = isTime ? nsPer / 1000 : 1
  return ordered
    ? { metric, values, isTime, usPerUnit, times: time }
    : { metric, values, isTime, usPerUnit }
}

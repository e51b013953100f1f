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
  /**
   * Microseconds per unit of the metric. A metric that is not a time (sample counts, bytes) is
   * laid out at 1 ms per unit, so a sample of 1 lasts as long as a typical sampling interval (the
   * Firefox Profiler resamples Chrome profiles at 0.5 ms: samples of 1 µs all vanished there),
   * unless the timeline would pass 1,000 s: then 1 µs per unit (callgrind's instruction counts).
   */
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
  let usPerUnit = 1
  if (isTime) usPerUnit = nsPer / 1000
  else {
    let total = 0
    for (let i = 0; i < values.length; i++) total += Math.abs(values[i])
    if (total <= 1e6) usPerUnit = 1000
  }
  return ordered
    ? { metric, values, isTime, usPerUnit, times: time }
    : { metric, values, isTime, usPerUnit }
}

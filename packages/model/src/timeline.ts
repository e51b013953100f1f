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
  /**
   * Each sample's start in µs: its time where there are `times`, else where the sample before
   * ended (end to end from 0). A sample whose time falls before the sample before it ends (its
   * time and the values disagree: two threads sampled at once, jitter) starts when that one ends:
   * every sample keeps its whole value, so per-function totals stay exact, and a gap between
   * samples stays a gap.
   */
  readonly starts: Float64Array
  /** Where the last sample ends, µs. */
  readonly endUs: number
  /** How many samples were started later than their time, and the most one was moved (µs). */
  readonly moved: number
  readonly movedUs: number
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
  const times = ordered ? time : undefined
  const starts = new Float64Array(values.length)
  let end = 0
  let moved = 0
  let movedUs = 0
  for (let i = 0; i < values.length; i++) {
    const value = values[i] > 0 ? values[i] : 0
    const wanted = times !== undefined ? times[i] / 1000 : end
    const at = Math.max(wanted, end)
    // (less than a nanosecond is float noise: times in ns against values in other units)
    if (at - wanted >= 0.001 && value > 0) {
      moved++
      movedUs = Math.max(movedUs, at - wanted)
    }
    starts[i] = at
    end = at + value * usPerUnit
  }
  const timeline = { metric, values, isTime, usPerUnit, starts, endUs: end, moved, movedUs }
  return times !== undefined ? { ...timeline, times } : timeline
}

/**
 * The note of a writer (`target`) whose timeline moved samples later than their times
 * (`SampleTimeline.moved`), or undefined.
 */
export function movedSamplesNote(timeline: SampleTimeline, target: string): string | undefined {
  if (timeline.moved === 0) return undefined
  const ms = Number((timeline.movedUs / 1000).toPrecision(3))
  return `${timeline.moved} of ${timeline.values.length} samples have a time before the sample before them ends (their times and values disagree): the ${target} starts each when that one ends, up to ${ms} ms later, so that every sample keeps its whole value`
}

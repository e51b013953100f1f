import { ProfconvError, resolveMetric, type Profile, type WriteOptions } from '@profconv/model'
import {
  SPEEDSCOPE_SCHEMA,
  type SampledProfile,
  type SpeedscopeFile,
  type SpeedscopeFrame,
} from './file-format.js'
import { survivesRoundTrip, unitFor } from './units.js'
import { VERSION } from './version.js'

export interface SpeedscopeWriteOptions extends WriteOptions {
  /** Overrides the `exporter` field (default `profconv@<version>`). */
  exporter?: string
}

/**
 * Writes `profile` (which must have samples: the caller estimates them from a graph first) as a
 * speedscope file of `sampled` profiles: one per metric, or only `options.metric`, the default
 * metric being the active one. Consecutive samples with the same stack are joined and samples
 * of weight 0 left out; frames keep file, line and column. Notes go into `exporter`.
 */
export function writeSpeedscope(profile: Profile, options: SpeedscopeWriteOptions = {}): string {
  const samples = profile.samples
  if (!samples) throw new ProfconvError('speedscope', 'the profile has no samples to write')
  const chosen =
    options.metric !== undefined
      ? [resolveMetric(profile.metrics, profile.defaultMetric, options.metric)]
      : profile.metrics.map((_, m) => m)

  let modules = 0
  const frames = profile.frames.frames.map((f): SpeedscopeFrame => {
    if (f.module) modules++
    const out: SpeedscopeFrame = { name: f.name }
    if (f.file !== undefined) out.file = f.file
    if (f.line !== undefined) out.line = f.line
    if (f.column !== undefined) out.col = f.column
    return out
  })

  const stackOf = new Map<number, number[]>()
  const stackOfNode = (node: number): number[] => {
    let stack = stackOf.get(node)
    if (!stack) stackOf.set(node, (stack = node < 0 ? [] : samples.tree.stack(node)))
    return stack
  }
  const baseName = profile.meta.name ?? 'profile'
  const profiles = chosen.map((m): SampledProfile => {
    const metric = profile.metrics[m]
    const values = samples.values[m]
    const stacks: number[][] = []
    const weights: number[] = []
    let previous = NaN
    let total = 0
    for (let i = 0; i < samples.stack.length; i++) {
      const value = values[i]
      if (value === 0) continue
      total += value
      const node = samples.stack[i]
      if (node === previous) {
        weights[weights.length - 1] += value
        continue
      }
      stacks.push(stackOfNode(node))
      weights.push(value)
      previous = node
    }
    return {
      type: 'sampled',
      name: survivesRoundTrip(metric) ? baseName : `${baseName} [${metric.name}]`,
      unit: unitFor(metric),
      startValue: 0,
      endValue: total,
      samples: stacks,
      weights,
    }
  })

  const exporter = [
    options.exporter ?? `profconv@${VERSION}`,
    ...profile.meta.notes.map((n) => `note: ${n}`),
  ]
  const file: SpeedscopeFile = {
    $schema: SPEEDSCOPE_SCHEMA,
    shared: { frames },
    profiles,
    name: baseName,
    activeProfileIndex: Math.max(0, chosen.indexOf(profile.defaultMetric)),
    exporter: exporter.join('; '),
  }
  if (modules > 0) {
    profile.meta.notes.push(
      `speedscope frames have no module: the module (binary) of ${modules} frame(s) was dropped`,
    )
  }
  return JSON.stringify(file)
}

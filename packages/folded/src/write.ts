import {
  ProfconvError,
  frameText,
  resolveMetric,
  type Profile,
  type WriteOptions,
} from '@profconv/model'

/**
 * Writes folded stacks: one line per distinct stack (in order of first appearance), root first,
 * frames as `name` or `name (file:line)`, then the count (an integer when integral). Without a
 * `metric` option a differential profile (metrics `before`, `after`) keeps both counts; otherwise
 * one metric, the default. Stacks whose counts are all 0 are left out; `;` and line breaks in
 * names become `:` and spaces (noted).
 */
export function writeFolded(profile: Profile, options: WriteOptions = {}): string {
  const samples = profile.samples
  if (!samples) throw new ProfconvError('folded', 'the profile has no samples to write')
  const differential =
    options.metric === undefined &&
    profile.metrics.length === 2 &&
    profile.metrics[0].name === 'before' &&
    profile.metrics[1].name === 'after'
  const columns = differential
    ? [0, 1]
    : [resolveMetric(profile.metrics, profile.defaultMetric, options.metric)]

  let renamed = 0
  const names = profile.frames.frames.map((f) => {
    const text = frameText(f)
    const clean = text.replace(/;/g, ':').replace(/[\r\n]/g, ' ')
    if (clean !== text) renamed++
    return clean
  })
  const sums = new Map<number, number[]>()
  let emptyStacks = 0
  for (let i = 0; i < samples.stack.length; i++) {
    const node = samples.stack[i]
    if (node < 0) {
      if (columns.some((m) => samples.values[m][i] !== 0)) emptyStacks++
      continue
    }
    let sum = sums.get(node)
    if (!sum) sums.set(node, (sum = columns.map(() => 0)))
    columns.forEach((m, k) => (sum[k] += samples.values[m][i]))
  }
  const lines: string[] = []
  for (const [node, sum] of sums) {
    if (sum.every((v) => v === 0)) continue
    const stack = samples.tree.stack(node).map((f) => names[f])
    lines.push(`${stack.join(';')} ${sum.map(String).join(' ')}\n`)
  }
  if (renamed > 0)
    profile.meta.notes.push(`folded: ';' or line breaks replaced in ${renamed} frame name(s)`)
  if (emptyStacks > 0)
    profile.meta.notes.push(`folded: ${emptyStacks} sample(s) without a stack left out`)
  return lines.join('')
}

import {
  ProfconvError,
  frameText,
  nanosecondsPer,
  oneMetricNote,
  plainDecimal,
  resolveMetric,
  type Profile,
  type WriteOptions,
} from '@profconv/model'

/**
 * Writes folded stacks: one line per distinct stack (in order of first appearance), root first,
 * frames as `name` or `name (file:line)`, then the count (an integer when integral). In folded
 * stacks (py-spy, austin) a frame's line is the line executing in it: where the stack node's line
 * is known (position detail) a frame whose identity has a line is written at the node's line, else
 * at its own; frames without a line stay one per function, whatever their nodes' lines. Counts
 * are plain decimals, never in exponent notation (flamegraph.pl skips such lines). Without a
 * `metric` option a differential profile (metrics `before`, `after`) keeps both counts; otherwise
 * one metric, the default. A time metric with fractions (cProfile's seconds, estimated stacks) is
 * written in whole nanoseconds, noted: folded counts are integers to inferno, which drops
 * fractions, and to flamegraph.pl's tooltips. Stacks whose counts are all 0 are left out; `;` and
 * line breaks in names become `:` and spaces (noted).
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
  const clean = (text: string) => {
    const cleaned = text.replace(/;/g, ':').replace(/[\r\n]/g, ' ')
    if (cleaned !== text) renamed++
    return cleaned
  }
  const frames = profile.frames.frames
  const names = frames.map((f) => clean(frameText(f)))
  const tree = samples.tree
  // Frames at the line of their node, by `frame:line`, made once each.
  const atLine = new Map<string, string>()
  const nodeName = (node: number) => {
    const frame = tree.frame(node)
    const line = tree.line(node)
    const f = frames[frame]
    if (line === 0 || f.line === undefined || !f.file || line === f.line) return names[frame]
    const key = `${frame}:${line}`
    let text = atLine.get(key)
    if (text === undefined) atLine.set(key, (text = clean(frameText({ ...f, line }))))
    return text
  }
  const byNode = new Map<number, number[]>()
  let emptyStacks = 0
  for (let i = 0; i < samples.stack.length; i++) {
    const node = samples.stack[i]
    if (node < 0) {
      if (columns.some((m) => samples.values[m][i] !== 0)) emptyStacks++
      continue
    }
    let sum = byNode.get(node)
    if (!sum) byNode.set(node, (sum = columns.map(() => 0)))
    columns.forEach((m, k) => (sum[k] += samples.values[m][i]))
  }
  // Stacks that read the same (nodes apart only by lines not written) are one line.
  const byText = new Map<string, number[]>()
  for (const [node, sum] of byNode) {
    const parts: string[] = []
    for (let n = node; n >= 0; n = tree.parent(n)) parts.push(nodeName(n))
    const stack = parts.reverse().join(';')
    const total = byText.get(stack)
    if (total) sum.forEach((v, k) => (total[k] += v))
    else byText.set(stack, sum)
  }
  // Time with fractions in whole nanoseconds (pprof's unit and its writer's rule), per column.
  columns.forEach((m, k) => {
    const ns = nanosecondsPer(profile.metrics[m].unit)
    const sums = [...byText.values()]
    if (ns === undefined || sums.every((sum) => Number.isInteger(sum[k]))) return
    for (const sum of sums) sum[k] = Math.round(sum[k] * ns)
    const { name, unit } = profile.metrics[m]
    profile.meta.notes.push(
      `folded: '${name}' (${unit}, with fractions) written in whole nanoseconds: folded counts are integers to inferno and flamegraph.pl (flamegraph.pl --countname ns names them)`,
    )
  })
  const lines: string[] = []
  for (const [stack, sum] of byText)
    if (!sum.every((v) => v === 0)) lines.push(`${stack} ${sum.map(plainDecimal).join(' ')}\n`)
  const one = differential ? undefined : oneMetricNote('folded', profile.metrics, columns[0])
  if (one) profile.meta.notes.push(one)
  if (renamed > 0)
    profile.meta.notes.push(`folded: ';' or line breaks replaced in ${renamed} frame name(s)`)
  if (emptyStacks > 0)
    profile.meta.notes.push(`folded: ${emptyStacks} sample(s) without a stack left out`)
  return lines.join('')
}

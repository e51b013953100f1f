import {
  ProfconvError,
  FrameTable,
  SamplesBuilder,
  maybeGunzip,
  parseJson,
  newMeta,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { V8NodeTree, type V8CallFrame } from './node-tree.js'

const FORMAT = 'cpuprofile'

export interface CpuprofileReadOptions extends ReadOptions {
  /** Leave out samples in `(program)`, `(idle)` and `(garbage collector)` (noted). */
  dropSpecialFrames?: boolean
}

/** V8's pseudo-functions for time outside JavaScript. */
export const SPECIAL_FRAMES: readonly string[] = ['(program)', '(idle)', '(garbage collector)']

interface CpuNode {
  id: number
  callFrame: V8CallFrame
  children?: number[]
  parent?: number
}

/**
 * Reads a Chrome DevTools or `node --cpu-prof` `.cpuprofile` (nodes, samples, timeDeltas in µs).
 * Sample i lasts from its timestamp to the next sample's; the last one until `endTime`. Samples
 * are put in time order first when deltas are negative (noted). Lines and columns become
 * 1-based; `(root)` is left out of stacks; `(program)`, `(idle)` and `(garbage collector)` stay
 * frames unless `dropSpecialFrames`. Metric: `time` in microseconds, with each sample's time.
 */
export function readCpuprofile(bytes: Uint8Array, options: CpuprofileReadOptions = {}): Profile {
  const json = parseJson(maybeGunzip(bytes, FORMAT, options.maxInputSize), FORMAT) as Record<
    string,
    unknown
  >
  if (typeof json !== 'object' || json === null) fail('the file is not a JSON object')
  const { nodes, samples, timeDeltas } = json as {
    nodes: unknown
    samples: unknown
    timeDeltas: unknown
  }
  if (!Array.isArray(nodes)) fail("missing 'nodes'")
  if (!isNumbers(samples)) fail("missing 'samples' (an array of node ids)")
  if (!isNumbers(timeDeltas)) fail("missing 'timeDeltas' (an array of microseconds)")
  if (samples.length !== timeDeltas.length) {
    fail(`${samples.length} samples but ${timeDeltas.length} timeDeltas`)
  }
  const startTime = Number.isFinite(json.startTime) ? (json.startTime as number) : 0

  const frames = new FrameTable()
  const builder = new SamplesBuilder(1)
  const tree = new V8NodeTree(FORMAT, frames, builder.tree)
  nodes.forEach((n: CpuNode, i) => {
    if (
      typeof n !== 'object' ||
      n === null ||
      typeof n.id !== 'number' ||
      typeof n.callFrame !== 'object' ||
      n.callFrame === null
    ) {
      fail(`node ${i} needs an id and a callFrame`)
    }
    tree.add(n.id, n.callFrame, n.parent, Array.isArray(n.children) ? n.children : undefined)
  })

  // Timestamps, in time order.
  const n = samples.length
  const times = new Float64Array(n)
  let t = startTime
  let outOfOrder = false
  for (let i = 0; i < n; i++) {
    if (timeDeltas[i] < 0 && i > 0) outOfOrder = true
    times[i] = t += timeDeltas[i]
  }
  // Finite deltas can still sum past the largest double (JSON allows 1e308).
  if (!Number.isFinite(t)) fail('the timeDeltas add up past the largest number')
  const order = Array.from({ length: n }, (_, i) => i)
  if (outOfOrder) order.sort((a, b) => times[a] - times[b] || a - b)
  const endTime = Number.isFinite(json.endTime)
    ? (json.endTime as number)
    : n > 0
      ? times[order[n - 1]]
      : startTime

  const drop = options.dropSpecialFrames === true
  let dropped = 0
  for (let k = 0; k < n; k++) {
    const i = order[k]
    const next = k + 1 < n ? times[order[k + 1]] : Math.max(endTime, times[i])
    const weight = next - times[i]
    if (!Number.isFinite(weight)) fail(`sample ${i} lasts longer than the largest number`)
    const callFrame = tree.callFrame(samples[i])
    if (!callFrame) fail(`sample ${i} names node ${samples[i]}, which is not in 'nodes'`)
    if (drop && SPECIAL_FRAMES.includes(callFrame.functionName ?? '')) {
      dropped += weight
      continue
    }
    builder.add(tree.leaf(samples[i]), [weight], undefined, (times[i] - startTime) * 1000)
  }

  const meta = newMeta(FORMAT)
  meta.duration = (endTime - startTime) * 1000
  if (outOfOrder)
    meta.notes.push(
      'cpuprofile samples were out of time order (negative timeDeltas) and were sorted',
    )
  if (drop) meta.notes.push(`dropped ${dropped} µs in ${SPECIAL_FRAMES.join(', ')}`)
  return {
    metrics: [{ name: 'time', unit: 'microseconds' }],
    defaultMetric: 0,
    frames,
    samples: builder.finish(),
    meta,
  }
}

function isNumbers(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v))
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}

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
import { lineNotes, lineTicks, sampleLines, type LineTicks } from './position-ticks.js'

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
  positionTicks?: unknown
}

/**
 * Reads a Chrome DevTools or `node --cpu-prof` `.cpuprofile` (nodes, samples, timeDeltas in µs).
 * Sample i lasts from its timestamp to the next sample's; the last one until `endTime`. Samples
 * are put in time order first when deltas are negative (noted). Lines and columns become
 * 1-based; `(root)` is left out of stacks; `(program)`, `(idle)` and `(garbage collector)` stay
 * frames unless `dropSpecialFrames`. Metrics: `time` in microseconds (default), with each
 * sample's time, and `samples` (1 per sample: V8's ticks).
 *
 * A node's `positionTicks` (ticks per 1-based line while the node was the top frame) put its
 * samples at those lines on the stack tree (unless `options.positions` is false), spread
 * evenly over its samples in time order: the count per line is exact, the time per line
 * an estimate (noted); samples beyond the ticks stay at line 0 (unknown).
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
  checkNumbers(samples, 'samples', 'an array of node ids')
  checkNumbers(timeDeltas, 'timeDeltas', 'an array of microseconds')
  if (samples.length !== timeDeltas.length) {
    fail(`${samples.length} samples but ${timeDeltas.length} timeDeltas`)
  }
  const startTime = Number.isFinite(json.startTime) ? (json.startTime as number) : 0

  const frames = new FrameTable()
  const builder = new SamplesBuilder(2)
  const tree = new V8NodeTree(FORMAT, frames, builder.tree)
  const keepLines = options.positions !== false
  const ticksOf = new Map<number, LineTicks>()
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
    if (keepLines && n.positionTicks !== undefined) {
      const ticks = lineTicks(n.positionTicks)
      if (!ticks) fail(`node ${i}: positionTicks must be a list of {line, ticks} (whole numbers)`)
      if (ticks.line.length > 0) ticksOf.set(n.id, ticks)
    }
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
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  if (outOfOrder) order.sort((a, b) => times[a] - times[b] || a - b)
  const endTime = Number.isFinite(json.endTime)
    ? (json.endTime as number)
    : n > 0
      ? times[order[n - 1]]
      : startTime

  const lines = ticksOf.size > 0 ? sampleLines(samples, order, ticksOf) : undefined
  const drop = options.dropSpecialFrames === true
  const values = [0, 1]
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
    const leaf = tree.leaf(samples[i], lines ? lines.line[i] : 0)
    values[0] = weight
    builder.add(leaf, values, undefined, (times[i] - startTime) * 1000)
  }

  const meta = newMeta(FORMAT)
  meta.duration = (endTime - startTime) * 1000
  if (outOfOrder)
    meta.notes.push(
      'cpuprofile samples were out of time order (negative timeDeltas) and were sorted',
    )
  if (drop) meta.notes.push(`dropped ${dropped} µs in ${SPECIAL_FRAMES.join(', ')}`)
  if (lines) meta.notes.push(...lineNotes(lines.scaledNodes))
  return {
    metrics: [
      { name: 'time', unit: 'microseconds' },
      { name: 'samples', unit: 'count' },
    ],
    defaultMetric: 0,
    frames,
    samples: builder.finish(),
    meta,
  }
}

/** Fails unless `value` is an array of finite numbers, naming the member that is not. */
function checkNumbers(value: unknown, key: string, what: string): asserts value is number[] {
  if (!Array.isArray(value)) fail(`missing '${key}' (${what})`)
  const bad = value.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v))
  if (bad < 0) return
  const v: unknown = value[bad]
  // JSON has no infinity: a number there was too large for a double (1e999).
  if (typeof v === 'number') fail(`${key}[${bad}] is too large for a number`)
  fail(`${key}[${bad}] is not a number: ${String(JSON.stringify(v)).slice(0, 40)}`)
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}

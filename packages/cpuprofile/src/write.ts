import {
  ProfconvError,
  movedSamplesNote,
  oneMetricNote,
  sampleTimeline,
  type Profile,
  type SampleTimeline,
  type WriteOptions,
} from '@profconv/model'

/** A written profile node (the `.cpuprofile` form: children listed). */
export interface CpuprofileNode {
  id: number
  callFrame: {
    functionName: string
    scriptId: string
    url: string
    lineNumber: number
    columnNumber: number
  }
  hitCount: number
  children?: number[]
  positionTicks?: { line: number; ticks: number }[]
}

/** What `writeCpuprofile` writes, as data; `lines` is each sample's 1-based line (0 unknown). */
export interface CpuprofileData {
  nodes: CpuprofileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
  lines: number[]
}

/**
 * Writes a profile's samples as a `.cpuprofile` (Chrome DevTools, VS Code, speedscope): `nodes`
 * (a `(root)` and one node per call path, `callFrame` lines and columns 0-based, -1 unknown,
 * `hitCount` the samples ending there, `positionTicks` from the lines the stack tree carries on
 * its leaves), `samples` and `timeDeltas` in microseconds, `startTime` and `endTime`. Every
 * sample is written (so a cpuprofile read and written keeps its `hitCount`s) and lasts its
 * value. With sample times and a time metric the samples sit at their true times (a gap is
 * written as a sample of `(root)`; a sample whose time falls inside the one before starts when
 * that one ends, noted: `sampleTimeline`); otherwise they are laid end to end (noted). A
 * non-time metric is written as 1 ms per unit (1 µs past 1,000 s; noted).
 */
export function writeCpuprofile(profile: Profile, options: WriteOptions = {}): string {
  const data = cpuprofileData(profile, options, 'cpuprofile')
  const { nodes, startTime, endTime, samples, timeDeltas } = data
  return JSON.stringify({ nodes, startTime, endTime, samples, timeDeltas })
}

/**
 * The `.cpuprofile` of `writeCpuprofile` as columns, for writers that write it themselves (chrome-
 * trace's `ProfileChunk`): node `i` has id `i + 1`; node 0 is `(root)`.
 */
export interface CpuprofileColumns {
  /** The number of nodes. */
  nodeCount: number
  /** Each node's frame (-1 for the root). */
  nodeFrame: Int32Array
  /** Each node's parent node (-1 for the root). */
  nodeParent: Int32Array
  /** Each node's samples. */
  hits: Int32Array
  /** Per node with lines: its samples per 1-based line, in the order lines were first met. */
  lineTicks: Map<number, Map<number, number>>
  /** The `callFrame` of a frame (`frame` -1: the root's). */
  callFrame(frame: number): CpuprofileNode['callFrame']
  /** The number of samples written (gaps included). */
  sampleCount: number
  /** Each sample's node (0-based: its id is one more). */
  samples: Int32Array
  /** µs from the previous sample, to 3 decimals. */
  timeDeltas: Float64Array
  /** Each sample's 1-based line (0 unknown). */
  lines: Int32Array
  endTime: number
  /** The samples on their time axis (`sampleTimeline`), which the columns were laid out from. */
  timeline: SampleTimeline
}

/**
 * The `.cpuprofile` of `writeCpuprofile` as data, with each sample's line, for writers that
 * embed a V8 CPU profile; notes name `target`.
 */
export function cpuprofileData(
  profile: Profile,
  options: WriteOptions,
  target: string,
): CpuprofileData {
  const columns = cpuprofileColumns(profile, options, target)
  const { nodeCount, nodeFrame, nodeParent, hits, lineTicks, sampleCount } = columns
  const nodes: CpuprofileNode[] = []
  for (let i = 0; i < nodeCount; i++) {
    nodes.push({ id: i + 1, callFrame: columns.callFrame(nodeFrame[i]), hitCount: hits[i] })
    if (i > 0) (nodes[nodeParent[i]].children ??= []).push(i + 1)
  }
  for (const [index, ticks] of lineTicks) {
    nodes[index].positionTicks = [...ticks].map(([line, count]) => ({ line, ticks: count }))
  }
  return {
    nodes,
    startTime: 0,
    endTime: columns.endTime,
    samples: Array.from(columns.samples.subarray(0, sampleCount), (node) => node + 1),
    timeDeltas: Array.from(columns.timeDeltas.subarray(0, sampleCount)),
    lines: Array.from(columns.lines.subarray(0, sampleCount)),
  }
}

/**
 * The `.cpuprofile` of `writeCpuprofile` in typed columns (no object per sample or node); notes
 * name `target`.
 */
export function cpuprofileColumns(
  profile: Profile,
  options: WriteOptions,
  target: string,
): CpuprofileColumns {
  const samples = profile.samples
  if (!samples) throw new ProfconvError(target, 'the profile has no samples to write')
  const timeline = sampleTimeline(profile, samples, options.metric)
  const { values, usPerUnit: scale, starts } = timeline
  const metric = profile.metrics[timeline.metric]
  const n = samples.stack.length
  const timed = timeline.times !== undefined
  const notes = profile.meta.notes
  // One sample is written per sample: a count of 1 in each is kept, as the samples themselves.
  const one = oneMetricNote(target, profile.metrics, timeline.metric, (k) =>
    samples.values[k].every((v) => v === 1),
  )
  if (one) notes.push(one)
  if (!timeline.isTime) {
    notes.push(
      `${target} holds time: '${metric.name}' (${metric.unit}) is written as ${scale === 1000 ? '1 ms' : '1 µs'} per unit, samples laid end to end`,
    )
  } else if (!timed) {
    notes.push(
      `the samples have no times (or not in order): the ${target} lays them end to end in their order`,
    )
  }
  const moved = movedSamplesNote(timeline, target)
  if (moved) notes.push(moved)

  // Script ids: one per file, "0" for none (V8's own numbering is not kept), in the order the
  // nodes first name each file.
  const scriptIds = new Map<string, string>()
  const scriptId = (url: string): string => {
    if (url === '') return '0'
    let id = scriptIds.get(url)
    if (id === undefined) scriptIds.set(url, (id = String(scriptIds.size + 1)))
    return id
  }
  const callFrame = (frame: number): CpuprofileNode['callFrame'] => {
    if (frame < 0)
      return { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }
    const f = profile.frames.get(frame)
    const url = f.file ?? ''
    return {
      functionName: f.name,
      scriptId: scriptId(url),
      url,
      lineNumber: f.line !== undefined ? f.line - 1 : -1,
      columnNumber: f.column !== undefined ? f.column - 1 : -1,
    }
  }
  const tree = samples.tree
  // Nodes: the root, then one per (parent node, frame), numbered as first met.
  let nodeFrame: Int32Array = new Int32Array(1024)
  let nodeParent: Int32Array = new Int32Array(1024)
  let hits: Int32Array = new Int32Array(1024)
  nodeFrame[0] = -1
  nodeParent[0] = -1
  let nodeCount = 1
  // Stack-tree node -> cpuprofile node (nodes differing only in their line share one).
  const outOf = new Int32Array(tree.length).fill(-1)
  // (parent, frame) as one number: below 2^53 for any profile that fits in memory.
  const frameCount = profile.frames.frames.length
  const byPath = new Map<number, number>()
  // Script ids follow the nodes' order, as the frames' files are first named.
  const named = new Uint8Array(frameCount)
  const chain: number[] = []
  const outNode = (node: number): number => {
    if (node < 0) return 0
    if (outOf[node] >= 0) return outOf[node]
    // Walk up to the nearest mapped ancestor without recursion.
    chain.length = 0
    for (let at = node; at >= 0 && outOf[at] < 0; at = tree.parent(at)) chain.push(at)
    for (let k = chain.length - 1; k >= 0; k--) {
      const at = chain[k]
      const parent = tree.parent(at)
      const parentOut = parent < 0 ? 0 : outOf[parent]
      const frame = tree.frame(at)
      const key = parentOut * frameCount + frame
      let index = byPath.get(key)
      if (index === undefined) {
        index = nodeCount++
        if (index === nodeFrame.length) {
          nodeFrame = grown(nodeFrame)
          nodeParent = grown(nodeParent)
          hits = grown(hits)
        }
        nodeFrame[index] = frame
        nodeParent[index] = parentOut
        if (!named[frame]) {
          named[frame] = 1
          scriptId(profile.frames.get(frame).file ?? '')
        }
        byPath.set(key, index)
      }
      outOf[at] = index
    }
    return outOf[node]
  }

  // At most one gap sample before each sample.
  const ids = new Int32Array(2 * n)
  const deltas = new Float64Array(2 * n)
  const sampleLines = new Int32Array(2 * n)
  let count = 0
  const lineTicks = new Map<number, Map<number, number>>()
  let last = 0 // time of the previous written sample, µs
  let end = 0 // end of the previous sample, µs
  const stacks = samples.stack
  const leafLines = tree.allColumns().line
  for (let i = 0; i < n; i++) {
    const leaf = stacks[i]
    let index = leaf < 0 ? 0 : outOf[leaf]
    if (index < 0) index = outNode(leaf)
    const at = starts[i]
    if (at > end && i > 0) {
      // a gap: time no sample covers, on (root)
      ids[count] = 0
      deltas[count++] = round(end - last)
      last = end
    }
    ids[count] = index
    deltas[count] = round(at - last)
    last = at
    hits[index]++
    const line = leaf >= 0 && leafLines !== undefined ? leafLines[leaf] : 0
    sampleLines[count++] = line
    if (line > 0) {
      let ticks = lineTicks.get(index)
      if (!ticks) lineTicks.set(index, (ticks = new Map()))
      ticks.set(line, (ticks.get(line) ?? 0) + 1)
    }
    end = at + (values[i] > 0 ? values[i] * scale : 0)
  }
  return {
    nodeCount,
    nodeFrame,
    nodeParent,
    hits,
    lineTicks,
    callFrame,
    sampleCount: count,
    samples: ids,
    timeDeltas: deltas,
    lines: sampleLines,
    endTime: round(timeline.endUs),
    timeline,
  }
}

/** `array` in one twice as long. */
function grown(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2)
  bigger.set(array)
  return bigger
}

/** Microseconds to 3 decimals (nanoseconds), without float noise in the text. */
function round(us: number): number {
  return Math.round(us * 1000) / 1000
}

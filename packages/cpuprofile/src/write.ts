import { ProfconvError, sampleTimeline, type Profile, type WriteOptions } from '@profconv/model'

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
 * sample is written (so a cpuprofile read and written keeps its `hitCount`s). With sample times
 * and a time metric the samples sit at their true times (a gap is written as a sample of
 * `(root)`); otherwise each sample lasts its value, laid end to end (noted). A non-time metric
 * is written as 1 µs per unit (noted).
 */
export function writeCpuprofile(profile: Profile, options: WriteOptions = {}): string {
  const data = cpuprofileData(profile, options, 'cpuprofile')
  const { nodes, startTime, endTime, samples, timeDeltas } = data
  return JSON.stringify({ nodes, startTime, endTime, samples, timeDeltas })
}

/**
 * The `.cpuprofile` of `writeCpuprofile` as data, with each sample's line, for writers that
 * embed a V8 CPU profile (chrome-trace's `ProfileChunk`); notes name `target`.
 */
export function cpuprofileData(
  profile: Profile,
  options: WriteOptions,
  target: string,
): CpuprofileData {
  const samples = profile.samples
  if (!samples) throw new ProfconvError(target, 'the profile has no samples to write')
  const timeline = sampleTimeline(profile, samples, options.metric)
  const { values, usPerUnit: scale, times } = timeline
  const metric = profile.metrics[timeline.metric]
  const n = samples.stack.length
  const timed = times !== undefined
  const notes = profile.meta.notes
  if (!timeline.isTime) {
    notes.push(
      `${target} holds time: each ${metric.unit} of '${metric.name}' is written as 1 µs, samples laid end to end`,
    )
  } else if (!timed) {
    notes.push(
      `the samples have no times (or not in order): the ${target} lays them end to end in their order`,
    )
  }

  // Script ids: one per file, "0" for none (V8's own numbering is not kept).
  const scriptIds = new Map<string, string>()
  const scriptId = (url: string): string => {
    if (url === '') return '0'
    let id = scriptIds.get(url)
    if (id === undefined) scriptIds.set(url, (id = String(scriptIds.size + 1)))
    return id
  }
  const root: CpuprofileNode = {
    id: 1,
    callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 },
    hitCount: 0,
  }
  const nodes: CpuprofileNode[] = [root]
  // Each node's hitCount, counted here and set at the end: the loop over the samples touches
  // one array of numbers, not the nodes' objects.
  const hits: number[] = [0]
  // Stack-tree node -> cpuprofile node (nodes differing only in their line share one).
  const tree = samples.tree
  const outOf = new Int32Array(tree.length).fill(-1)
  // (parent, frame) as one number: below 2^53 for any profile that fits in memory.
  const frameCount = profile.frames.frames.length
  const byPath = new Map<number, number>()
  const outNode = (node: number): number => {
    if (node < 0) return 0
    if (outOf[node] >= 0) return outOf[node]
    // Walk up to the nearest mapped ancestor without recursion.
    const chain: number[] = []
    for (let at = node; at >= 0 && outOf[at] < 0; at = tree.parent(at)) chain.push(at)
    for (let k = chain.length - 1; k >= 0; k--) {
      const at = chain[k]
      const parent = tree.parent(at)
      const parentOut = parent < 0 ? 0 : outOf[parent]
      const frame = tree.frame(at)
      const key = parentOut * frameCount + frame
      let index = byPath.get(key)
      if (index === undefined) {
        const f = profile.frames.get(frame)
        index = nodes.length
        const url = f.file ?? ''
        nodes.push({
          id: index + 1,
          callFrame: {
            functionName: f.name,
            scriptId: scriptId(url),
            url,
            lineNumber: f.line !== undefined ? f.line - 1 : -1,
            columnNumber: f.column !== undefined ? f.column - 1 : -1,
          },
          hitCount: 0,
        })
        hits.push(0)
        ;(nodes[parentOut].children ??= []).push(index + 1)
        byPath.set(key, index)
      }
      outOf[at] = index
    }
    return outOf[node]
  }

  const ids: number[] = []
  const deltas: number[] = []
  const sampleLines: number[] = []
  const lineTicks = new Map<number, Map<number, number>>()
  let last = 0 // time of the previous written sample, µs
  let end = 0 // end of the previous sample, µs
  const push = (index: number, at: number): void => {
    ids.push(index + 1)
    sampleLines.push(0)
    deltas.push(round(at - last))
    last = at
  }
  for (let i = 0; i < n; i++) {
    const leaf = samples.stack[i]
    const index = outNode(leaf)
    const at = timed ? times![i] / 1000 : end
    if (at > end && i > 0) push(0, end) // a gap: time no sample covers, on (root)
    push(index, at)
    hits[index]++
    const line = leaf >= 0 ? tree.line(leaf) : 0
    sampleLines[sampleLines.length - 1] = line
    if (line > 0) {
      let ticks = lineTicks.get(index)
      if (!ticks) lineTicks.set(index, (ticks = new Map()))
      ticks.set(line, (ticks.get(line) ?? 0) + 1)
    }
    end = at + values[i] * scale
  }
  nodes.forEach((node, index) => (node.hitCount = hits[index]))
  for (const [index, ticks] of lineTicks) {
    nodes[index].positionTicks = [...ticks].map(([line, count]) => ({ line, ticks: count }))
  }
  return {
    nodes,
    startTime: 0,
    endTime: round(end),
    samples: ids,
    timeDeltas: deltas,
    lines: sampleLines,
  }
}

/** Microseconds to 3 decimals (nanoseconds), without float noise in the text. */
function round(us: number): number {
  return Math.round(us * 1000) / 1000
}

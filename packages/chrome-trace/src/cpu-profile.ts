import { V8NodeTree, type V8CallFrame } from '@profconv/cpuprofile'
import { FrameTable, ProfconvError, SamplesBuilder, newMeta, type Profile } from '@profconv/model'
import { Column } from './column.js'
import type { JsonBytes } from './json-bytes.js'
import type { TraceEvent } from './scan.js'

const FORMAT = 'chrome-trace'

/** A V8 CPU profile: a `Profile` event and its `ProfileChunk`s (or an old `CpuProfile` event). */
export interface CpuProfile {
  readonly pid: string
  tid: string | undefined
  startTime: number | undefined
  endTime: number | undefined
  readonly firstTs: number
  readonly frames: FrameTable
  readonly builder: SamplesBuilder
  readonly nodes: V8NodeTree
  readonly samples: Column
  readonly deltas: Column
  /** 1-based line of each sample's leaf (0 unknown), where chunks carry `lines`. */
  readonly lines: Column
  hasLines: boolean
}

export function newCpuProfile(pid: string, firstTs: number): CpuProfile {
  const frames = new FrameTable()
  const builder = new SamplesBuilder(2)
  return {
    pid,
    tid: undefined,
    startTime: undefined,
    endTime: undefined,
    firstTs,
    frames,
    builder,
    nodes: new V8NodeTree(FORMAT, frames, builder.tree),
    samples: new Column(),
    deltas: new Column(),
    lines: new Column(),
    hasLines: false,
  }
}

interface ChunkNode {
  id: number
  callFrame: V8CallFrame
  parent?: number
  children?: number[]
}

/**
 * Adds what a CPU profile event's `args.data` holds to `profile`: nothing for a `Profile` event;
 * for a `ProfileChunk` its nodes (parsed from the bytes at `data.nodes`: each node comes once),
 * samples, `timeDeltas` and `lines` (when they fit the samples); for an old `CpuProfile` event
 * (a whole .cpuprofile) its nodes, samples and `cpuProfile.timeDeltas`.
 */
export function addProfileData(
  json: JsonBytes,
  event: TraceEvent,
  profile: CpuProfile,
  old: boolean,
  keepLines: boolean,
): void {
  const data = event.data
  if (data === undefined) return
  const { index, offset } = event
  if (data.nodes >= 0) {
    const resume = json.at
    json.at = data.nodes
    const nodes = json.parse()
    json.at = resume
    addNodes(profile, nodes, index, offset)
  }
  const samples = data.samples
  const deltas = old ? data.cpuDeltas : data.deltas
  if (samples.state < 0 || deltas.state < 0 || samples.length !== deltas.length) {
    fail(
      `event ${index}: cpuProfile.samples and timeDeltas must be number arrays of one length`,
      offset,
    )
  }
  const n = samples.length
  const from = profile.samples.length
  profile.samples.append(samples)
  profile.deltas.append(deltas)
  const lines = data.lines
  const hasLines = !old && keepLines && lines.state > 0 && lines.length === n
  if (hasLines && !profile.hasLines) {
    profile.hasLines = true
    profile.lines.reserve(from)
    profile.lines.values.fill(0, 0, from)
    profile.lines.length = from
  }
  if (profile.hasLines) {
    profile.lines.reserve(n)
    for (let i = 0; i < n; i++) {
      const line = hasLines ? lines.values[i] : 0
      profile.lines.values[profile.lines.length++] = Number.isInteger(line) && line > 0 ? line : 0
    }
  }
}

function addNodes(profile: CpuProfile, nodes: unknown, index: number, offset: number): void {
  if (!Array.isArray(nodes)) fail(`event ${index}: cpuProfile.nodes is not an array`, offset)
  for (const n of nodes as ChunkNode[]) {
    if (!isObject(n) || typeof n.id !== 'number' || !isObject(n.callFrame))
      fail(`event ${index}: a profile node needs an id and a callFrame`, offset)
    const children = Array.isArray(n.children) ? n.children : undefined
    profile.nodes.add(n.id, n.callFrame, n.parent, children)
  }
}

/** The samples of a CPU profile in time order, each lasting until the next one. */
export function finishCpuProfile(profile: CpuProfile, origin: number): Profile | undefined {
  const n = profile.samples.length
  if (n === 0) return undefined
  const samples = profile.samples.values
  const deltas = profile.deltas.values
  const lines = profile.lines.values
  const start = profile.startTime ?? (Number.isFinite(profile.firstTs) ? profile.firstTs : origin)
  const times = new Float64Array(n)
  let t = start
  let outOfOrder = false
  for (let i = 0; i < n; i++) {
    if (deltas[i] < 0 && i > 0) outOfOrder = true
    times[i] = t += deltas[i]
  }
  if (!Number.isFinite(t)) fail('the timeDeltas of a CPU profile add up past the largest number', 0)
  const order = new Int32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  if (outOfOrder) order.sort((a, b) => times[a] - times[b] || a - b)
  const last = times[order[n - 1]]
  // Without an endTime the last sample lasts the average interval, as DevTools lays it out.
  const hasEnd = profile.endTime !== undefined && profile.endTime >= last
  const average = n > 1 ? (last - times[order[0]]) / (n - 1) : 0
  const end = hasEnd ? profile.endTime! : last + average
  const meta = newMeta(FORMAT)
  const values = [0, 1]
  for (let k = 0; k < n; k++) {
    const i = order[k]
    const next = k + 1 < n ? times[order[k + 1]] : end
    const id = samples[i]
    if (!profile.nodes.has(id)) fail(`a CPU profile sample names node ${id}, which no chunk has`, 0)
    const leaf = profile.nodes.leaf(id, profile.hasLines ? lines[i] : 0)
    values[0] = next - times[i]
    profile.builder.add(leaf, values, undefined, (times[i] - origin) * 1000)
  }
  meta.duration = (end - start) * 1000
  if (outOfOrder) meta.notes.push('CPU profile samples were out of time order and were sorted')
  if (!hasEnd)
    meta.notes.push(
      'the V8 CPU profile has no endTime: its last sample lasts the average sampling interval (as in DevTools)',
    )
  return {
    metrics: [
      { name: 'time', unit: 'microseconds' },
      { name: 'samples', unit: 'count' },
    ],
    defaultMetric: 0,
    frames: profile.frames,
    samples: profile.builder.finish(),
    meta,
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(reason: string, offset: number): never {
  throw new ProfconvError(FORMAT, reason, { offset })
}

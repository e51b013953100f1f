import { V8NodeTree, type V8CallFrame } from '@profconv/cpuprofile'
import { FrameTable, ProfconvError, SamplesBuilder, newMeta, type Profile } from '@profconv/model'
import type { JsonBytes } from './json-bytes.js'
import type { TraceEvent } from './scan.js'

const FORMAT = 'chrome-trace'
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const NULL = 0x6e

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
  readonly samples: number[]
  readonly deltas: number[]
  /** 1-based line of each sample's leaf (0 unknown), where chunks carry `lines`. */
  readonly lines: number[]
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
    samples: [],
    deltas: [],
    lines: [],
    hasLines: false,
  }
}

interface ChunkNode {
  id: number
  callFrame: V8CallFrame
  parent?: number
  children?: number[]
}

/** Lines of one chunk, before they are known to fit its samples. */
const scratch: number[] = []

/**
 * Reads a CPU profile event's `args.data` from its bytes and adds what it holds to `profile`:
 * - `profile` (a `Profile` event): nothing; gives `data.startTime`.
 * - `chunk` (a `ProfileChunk`): `cpuProfile.nodes` (parsed: each node comes once), then
 *   `cpuProfile.samples`, `timeDeltas` and `lines` appended straight from their digits; gives
 *   `data.endTime`.
 * - `cpuProfile` (an old `CpuProfile` event: a whole .cpuprofile in `data.cpuProfile`): its
 *   nodes, samples and `timeDeltas`; gives its `startTime` and `endTime`.
 */
export function readProfileData(
  json: JsonBytes,
  event: TraceEvent,
  profile: CpuProfile,
  kind: 'profile' | 'chunk' | 'cpuProfile',
  keepLines: boolean,
): { startTime?: number; endTime?: number } {
  const times: { startTime?: number; endTime?: number } = {}
  if (event.data < 0) return times
  const { index, offset } = event
  const resume = json.at
  json.at = event.data
  const from = profile.samples.length
  let samples = 0 // 1 read, -1 not numbers
  let deltas = 0
  let lines = 0
  const old = kind === 'cpuProfile'
  /** Reads an array of numbers into `into` from its length `at`: 1, -1 (not numbers), 0 (null). */
  const numbers = (into: number[], at: number): number => {
    into.length = at
    if (json.peek() === NULL) {
      json.skip()
      return 0
    }
    return json.numbers(into) ? 1 : -1
  }
  const time = (): number | undefined => {
    const value = json.scalar()
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined
  }
  if (json.enterObject()) {
    do {
      json.key()
      if (kind === 'profile') {
        if (json.keyIs('startTime')) times.startTime = time()
        else json.skip()
      } else if (json.keyIs('cpuProfile') && json.peek() === OPEN_BRACE) {
        if (json.enterObject()) {
          do {
            json.key()
            if (json.keyIs('nodes')) addNodes(profile, json.parse(), index, offset)
            else if (json.keyIs('samples')) samples = numbers(profile.samples, from)
            else if (old && json.keyIs('timeDeltas')) deltas = numbers(profile.deltas, from)
            else if (old && json.keyIs('startTime')) times.startTime = time()
            else if (old && json.keyIs('endTime')) times.endTime = time()
            else json.skip()
          } while (json.next(CLOSE_BRACE))
        }
      } else if (!old && json.keyIs('timeDeltas')) deltas = numbers(profile.deltas, from)
      else if (!old && json.keyIs('lines')) lines = numbers(scratch, 0)
      else if (!old && json.keyIs('endTime')) times.endTime = time()
      else json.skip()
    } while (json.next(CLOSE_BRACE))
  }
  json.at = resume
  if (kind === 'profile') return times
  if (samples === 0) profile.samples.length = from
  if (deltas === 0) profile.deltas.length = from
  if (samples < 0 || deltas < 0 || profile.samples.length !== profile.deltas.length) {
    fail(
      `event ${index}: cpuProfile.samples and timeDeltas must be number arrays of one length`,
      offset,
    )
  }
  const n = profile.samples.length - from
  const hasLines = keepLines && lines > 0 && scratch.length === n
  if (hasLines && !profile.hasLines) {
    profile.hasLines = true
    profile.lines.length = from
    profile.lines.fill(0)
  }
  if (profile.hasLines) {
    for (let i = 0; i < n; i++) {
      const line = hasLines ? scratch[i] : 0
      profile.lines.push(Number.isInteger(line) && line > 0 ? line : 0)
    }
  }
  return times
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
  const start = profile.startTime ?? (Number.isFinite(profile.firstTs) ? profile.firstTs : origin)
  const times = new Float64Array(n)
  let t = start
  let outOfOrder = false
  for (let i = 0; i < n; i++) {
    if (profile.deltas[i] < 0 && i > 0) outOfOrder = true
    times[i] = t += profile.deltas[i]
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
    const id = profile.samples[i]
    if (!profile.nodes.has(id)) fail(`a CPU profile sample names node ${id}, which no chunk has`, 0)
    const leaf = profile.nodes.leaf(id, profile.hasLines ? profile.lines[i] : 0)
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

import { V8NodeTree, type V8CallFrame } from '@profconv/cpuprofile'
import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  maybeGunzip,
  newMeta,
  type Frame,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { durationSamples, type Intervals } from './intervals.js'
import { scanTraceEvents } from './scan.js'

const FORMAT = 'chrome-trace'

type Json = Record<string, unknown>

/** The duration events of one thread (pid, tid), as they come. */
interface Thread {
  readonly pid: string
  readonly tid: string
  readonly frames: FrameTable
  /** Frame ids by name, so that each event's frame is found without building a key. */
  readonly byName: Map<string, number[]>
  /** B and E events: time, +1 for B or -1 for E, frame (B only), file order. */
  readonly marks: { ts: number[]; kind: number[]; frame: number[]; seq: number[] }
  readonly intervals: Intervals
}

/** A V8 CPU profile: a `Profile` event and its `ProfileChunk`s (or an old `CpuProfile` event). */
interface CpuProfile {
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

/**
 * Reads a Chrome trace (the Trace Event Format of chrome://tracing, Perfetto's JSON, Node's
 * `--trace-events-enabled`, a DevTools Performance recording, py-spy's `chrometrace`): a JSON
 * array of events or an object with `traceEvents`, gzipped or not.
 *
 * - Duration events (`B`/`E` pairs and `X` complete events) give one profile per thread
 *   (pid, tid), evented: the time a stack of open events holds is the self time of its
 *   innermost event, so self and total per name are exact. Metric `time` in microseconds.
 * - V8 CPU profiles (`Profile` + `ProfileChunk` events, keyed by pid and id; old `CpuProfile`
 *   events) give one profile each: per-sample times from `timeDeltas`, the sample's current line
 *   from `lines` on the leaf (unless `options.positions` is false). Metrics `time` (µs; a sample lasts until the next one) and `samples`.
 * - `M` metadata name processes and threads. Other events (instant, async, flow, counters) are
 *   not read; a note counts them.
 *
 * Sample times are in nanoseconds since the earliest event of the trace, so profiles of one
 * trace line up.
 */
export function readChromeTrace(bytes: Uint8Array, options: ReadOptions = {}): Profile[] {
  const input = maybeGunzip(bytes, FORMAT, options.maxInputSize)
  const keepLines = options.positions !== false
  const threads = new Map<string, Thread>()
  const cpuProfiles = new Map<string, CpuProfile>()
  const processNames = new Map<string, string>()
  const threadNames = new Map<string, string>()
  const skipped = new Map<string, number>()
  let seq = 0
  let origin = Infinity

  const threadOf = (pid: string, tid: string): Thread => {
    const key = `${pid}\u0000${tid}`
    let thread = threads.get(key)
    if (!thread) {
      thread = {
        pid,
        tid,
        frames: new FrameTable(),
        byName: new Map(),
        marks: { ts: [], kind: [], frame: [], seq: [] },
        intervals: { start: [], end: [], frame: [], seq: [] },
      }
      threads.set(key, thread)
    }
    return thread
  }
  const cpuProfileOf = (pid: string, id: string, ts: number): CpuProfile => {
    const key = `${pid}\u0000${id}`
    let profile = cpuProfiles.get(key)
    if (!profile) {
      const frames = new FrameTable()
      const builder = new SamplesBuilder(2)
      profile = {
        pid,
        tid: undefined,
        startTime: undefined,
        endTime: undefined,
        firstTs: ts,
        frames,
        builder,
        nodes: new V8NodeTree(FORMAT, frames, builder.tree),
        samples: [],
        deltas: [],
        lines: [],
        hasLines: false,
      }
      cpuProfiles.set(key, profile)
    }
    return profile
  }

  let written: Json | undefined
  const onKey = (key: string, value: unknown): void => {
    if (key === 'otherData' && isObject(value) && value.producer === 'profconv') written = value
  }
  scanTraceEvents(
    input,
    (raw, offset) => {
      const index = seq++
      if (!isObject(raw)) fail(`event ${index} is not an object`, offset)
      const ph = raw.ph
      if (typeof ph !== 'string') fail(`event ${index} has no phase ('ph')`, offset)
      const pid = idText(raw.pid)
      const tid = idText(raw.tid)
      const ts = raw.ts
      const hasTs = typeof ts === 'number' && Number.isFinite(ts)
      if (ph === 'M') {
        const name = isObject(raw.args) ? raw.args.name : undefined
        if (typeof name !== 'string') return
        if (raw.name === 'process_name') processNames.set(pid, name)
        else if (raw.name === 'thread_name') threadNames.set(`${pid}\u0000${tid}`, name)
        return
      }
      if (ph === 'B' || ph === 'E' || ph === 'X') {
        if (!hasTs) fail(`event ${index} ('${ph}') has no numeric 'ts'`, offset)
        if (ts < origin) origin = ts
        const thread = threadOf(pid, tid)
        if (ph === 'E') {
          thread.marks.ts.push(ts)
          thread.marks.kind.push(-1)
          thread.marks.frame.push(-1)
          thread.marks.seq.push(index)
          return
        }
        const frame = frameId(thread, raw)
        if (ph === 'B') {
          thread.marks.ts.push(ts)
          thread.marks.kind.push(1)
          thread.marks.frame.push(frame)
          thread.marks.seq.push(index)
          return
        }
        const dur = raw.dur
        const length = typeof dur === 'number' && Number.isFinite(dur) && dur > 0 ? dur : 0
        thread.intervals.start.push(ts)
        thread.intervals.end.push(ts + length)
        thread.intervals.frame.push(frame)
        thread.intervals.seq.push(index)
        return
      }
      if ((raw.name === 'Profile' || raw.name === 'ProfileChunk') && raw.id !== undefined) {
        const data = isObject(raw.args) && isObject(raw.args.data) ? raw.args.data : {}
        if (hasTs && ts < origin) origin = ts
        const profile = cpuProfileOf(pid, idText(raw.id), hasTs ? ts : NaN)
        if (raw.name === 'Profile') {
          // The sampled thread: chunks come from V8's profiler thread.
          profile.tid = tid
          // Its ts, not args.data.startTime (another clock domain), as DevTools does.
          if (hasTs) profile.startTime = ts
          else if (typeof data.startTime === 'number' && Number.isFinite(data.startTime))
            profile.startTime = data.startTime
        } else {
          profile.tid ??= tid
          addChunk(profile, data, index, offset, keepLines)
        }
        return
      }
      if (raw.name === 'CpuProfile' && isObject(raw.args) && isObject(raw.args.data)) {
        // Older DevTools recordings: one event holding a whole .cpuprofile.
        const data = raw.args.data
        const cpuProfile = isObject(data.cpuProfile) ? data.cpuProfile : {}
        const profile = cpuProfileOf(pid, `CpuProfile ${index}`, hasTs ? ts : NaN)
        profile.tid = tid
        if (typeof cpuProfile.startTime === 'number') profile.startTime = cpuProfile.startTime
        addChunk(
          profile,
          { cpuProfile, timeDeltas: cpuProfile.timeDeltas },
          index,
          offset,
          keepLines,
        )
        if (typeof cpuProfile.endTime === 'number') profile.endTime = cpuProfile.endTime
        if (profile.startTime !== undefined && profile.startTime < origin)
          origin = profile.startTime
        return
      }
      skipped.set(ph, (skipped.get(ph) ?? 0) + 1)
    },
    onKey,
  )

  if (!Number.isFinite(origin)) origin = 0
  const nameOf = (pid: string, tid: string | undefined): string => {
    const process = processNames.get(pid)
    const thread = tid !== undefined ? threadNames.get(`${pid}\u0000${tid}`) : undefined
    const p = process ? `${process} (pid ${pid})` : `pid ${pid}`
    if (tid === undefined) return p
    return `${p}, ${thread ? `${thread} (tid ${tid})` : `tid ${tid}`}`
  }

  const profiles: Profile[] = []
  for (const thread of threads.values()) {
    const meta = newMeta(FORMAT)
    meta.name = nameOf(thread.pid, thread.tid)
    const builder = new SamplesBuilder(1)
    const span = durationSamples(thread, builder, origin, meta.notes)
    if (builder.length === 0) continue
    meta.duration = span * 1000
    profiles.push({
      metrics: [{ name: 'time', unit: 'microseconds' }],
      defaultMetric: 0,
      frames: thread.frames,
      samples: builder.finish(),
      meta,
    })
  }
  // profconv's own output holds its samples twice: as X events (read) and as a CPU profile.
  for (const profile of written ? [] : cpuProfiles.values()) {
    const read = finishCpuProfile(profile, origin)
    if (!read) continue
    read.meta.name = `V8 CPU profile, ${nameOf(profile.pid, profile.tid)}`
    profiles.push(read)
  }
  // profconv's own output: one thread, named after the profile it was written from.
  if (written && profiles.length === 1 && typeof written.name === 'string')
    profiles[0].meta.name = written.name
  if (profiles.length === 0) {
    fail('the trace has no duration events (B/E/X) and no V8 CPU profile samples', 0)
  }
  if (skipped.size > 0) {
    const kinds = [...skipped].map(([ph, n]) => `${n} '${ph}'`).join(', ')
    profiles[0].meta.notes.push(
      `chrome-trace events not read (only B/E/X durations and V8 CPU profiles are): ${kinds}`,
    )
  }
  return profiles
}

/**
 * The frame of a duration event: its name, with file and line where `args` carry them (py-spy's
 * `filename`/`line`, profconv's own `file`/`line`/`column`/`module`).
 */
function frameId(thread: Thread, event: Json): number {
  const name = typeof event.name === 'string' ? event.name : String(event.name ?? '(unnamed)')
  const args = isObject(event.args) ? event.args : undefined
  const file = args ? (args.filename ?? args.file) : undefined
  const line = args?.line
  const column = args?.column
  const module = args?.module
  const hasFile = typeof file === 'string' && file !== ''
  const hasLine = typeof line === 'number' && Number.isInteger(line) && line > 0
  const hasColumn = typeof column === 'number' && Number.isInteger(column) && column > 0
  const hasModule = typeof module === 'string' && module !== ''
  const f = hasFile ? file : undefined
  const l = hasLine ? line : undefined
  const c = hasColumn ? column : undefined
  const m = hasModule ? module : undefined
  // Frames of one name compared field by field: no key string per event.
  let ids = thread.byName.get(name)
  if (ids === undefined) thread.byName.set(name, (ids = []))
  for (const id of ids) {
    const known = thread.frames.get(id)
    if (known.file === f && known.line === l && known.column === c && known.module === m) return id
  }
  const frame: { -readonly [K in keyof Frame]: Frame[K] } = { name }
  if (f !== undefined) frame.file = f
  if (l !== undefined) frame.line = l
  if (c !== undefined) frame.column = c
  if (m !== undefined) frame.module = m
  const id = thread.frames.intern(frame)
  ids.push(id)
  return id
}

interface ChunkNode {
  id: number
  callFrame: V8CallFrame
  parent?: number
  children?: number[]
}

/** Appends a `ProfileChunk`'s nodes, samples, time deltas and lines. */
function addChunk(
  profile: CpuProfile,
  data: Json,
  index: number,
  offset: number,
  keepLines: boolean,
): void {
  const cpuProfile = isObject(data.cpuProfile) ? data.cpuProfile : {}
  const nodes = cpuProfile.nodes
  if (nodes !== undefined) {
    if (!Array.isArray(nodes)) fail(`event ${index}: cpuProfile.nodes is not an array`, offset)
    for (const n of nodes as ChunkNode[]) {
      if (!isObject(n) || typeof n.id !== 'number' || !isObject(n.callFrame))
        fail(`event ${index}: a profile node needs an id and a callFrame`, offset)
      const children = Array.isArray(n.children) ? n.children : undefined
      profile.nodes.add(n.id, n.callFrame, n.parent, children)
    }
  }
  const samples = cpuProfile.samples ?? []
  const deltas = data.timeDeltas ?? []
  if (!isNumbers(samples) || !isNumbers(deltas) || samples.length !== deltas.length) {
    fail(
      `event ${index}: cpuProfile.samples and timeDeltas must be number arrays of one length`,
      offset,
    )
  }
  const lines = data.lines
  const hasLines = keepLines && isNumbers(lines) && lines.length === samples.length
  if (hasLines && !profile.hasLines) {
    profile.hasLines = true
    profile.lines.length = profile.samples.length
    profile.lines.fill(0)
  }
  for (let i = 0; i < samples.length; i++) {
    profile.samples.push(samples[i])
    profile.deltas.push(deltas[i])
    if (profile.hasLines) {
      const line = hasLines ? lines[i] : 0
      profile.lines.push(Number.isInteger(line) && line > 0 ? line : 0)
    }
  }
  if (typeof data.endTime === 'number' && Number.isFinite(data.endTime))
    profile.endTime = data.endTime
}

/** The samples of a CPU profile in time order, each lasting until the next one. */
function finishCpuProfile(profile: CpuProfile, origin: number): Profile | undefined {
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

/** pids and tids are numbers in Chrome, strings in some producers. */
function idText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : ''
}

function isNumbers(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v))
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(reason: string, offset: number): never {
  throw new ProfconvError(FORMAT, reason, { offset })
}

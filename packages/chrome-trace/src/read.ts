import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  maybeGunzip,
  newMeta,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { addProfileData, finishCpuProfile, newCpuProfile, type CpuProfile } from './cpu-profile.js'
import { FrameIndex } from './frame-index.js'
import { durationSamples, type Intervals } from './intervals.js'
import { scanTraceEvents, type TraceEvent } from './scan.js'

const FORMAT = 'chrome-trace'

type Json = Record<string, unknown>

/** The duration events of one thread (pid, tid), as they come. */
interface Thread {
  readonly pid: string
  readonly tid: string
  readonly frames: FrameTable
  readonly index: FrameIndex
  /** B and E events: time, +1 for B or -1 for E, frame (B only), file order. */
  readonly marks: { ts: number[]; kind: number[]; frame: number[]; seq: number[] }
  readonly intervals: Intervals
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
  let origin = Infinity

  const threadOf = (pid: string, tid: string): Thread => {
    const key = `${pid}\u0000${tid}`
    let thread = threads.get(key)
    if (!thread) {
      const frames = new FrameTable()
      thread = {
        pid,
        tid,
        frames,
        index: new FrameIndex(frames),
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
      profile = newCpuProfile(pid, ts)
      cpuProfiles.set(key, profile)
    }
    return profile
  }

  let written: Json | undefined
  const onKey = (key: string, value: unknown): void => {
    if (key === 'otherData' && isObject(value) && value.producer === 'profconv') written = value
  }
  // The thread of the last duration event: ids are shared strings, so compared by identity.
  let last: Thread | undefined
  scanTraceEvents(
    input,
    (event, json) => {
      const { ph, pid, tid, ts, index, offset } = event
      if (ph === undefined) fail(`event ${index} has no phase ('ph')`, offset)
      const hasTs = Number.isFinite(ts)
      const name = event.nameIsString ? event.name : undefined
      if (ph === 'M') {
        const value = event.argName
        if (typeof value !== 'string') return
        if (name === 'process_name') processNames.set(pid, value)
        else if (name === 'thread_name') threadNames.set(`${pid}\u0000${tid}`, value)
        return
      }
      if (ph === 'B' || ph === 'E' || ph === 'X') {
        if (!hasTs) fail(`event ${index} ('${ph}') has no numeric 'ts'`, offset)
        // Times in µs to the ns, as Perfetto reads them (integer ns): 2754.88 + 2219.088 is
        // 4973.968000000001 in doubles, which would end after an event starting at 4973.968.
        const at = atNanosecond(ts)
        if (at < origin) origin = at
        const thread =
          last !== undefined && last.pid === pid && last.tid === tid ? last : threadOf(pid, tid)
        last = thread
        if (ph === 'E') {
          thread.marks.ts.push(at)
          thread.marks.kind.push(-1)
          thread.marks.frame.push(-1)
          thread.marks.seq.push(index)
          return
        }
        const frame = frameId(thread, event)
        if (ph === 'B') {
          thread.marks.ts.push(at)
          thread.marks.kind.push(1)
          thread.marks.frame.push(frame)
          thread.marks.seq.push(index)
          return
        }
        const dur = event.dur
        const length = Number.isFinite(dur) && dur > 0 ? dur : 0
        thread.intervals.start.push(at)
        thread.intervals.end.push(atNanosecond(at + length))
        thread.intervals.frame.push(frame)
        thread.intervals.seq.push(index)
        return
      }
      if ((name === 'Profile' || name === 'ProfileChunk') && event.id !== undefined) {
        if (hasTs && ts < origin) origin = ts
        const profile = cpuProfileOf(pid, event.id, hasTs ? ts : NaN)
        if (name === 'Profile') {
          // The sampled thread: chunks come from V8's profiler thread.
          profile.tid = tid
          // Its ts, not args.data.startTime (another clock domain), as DevTools does.
          const startTime = event.data?.startTime
          if (hasTs) profile.startTime = ts
          else if (startTime !== undefined) profile.startTime = startTime
        } else {
          profile.tid ??= tid
          addProfileData(json, event, profile, false, keepLines)
          const endTime = event.data?.endTime
          if (endTime !== undefined) profile.endTime = endTime
        }
        return
      }
      if (name === 'CpuProfile' && event.data !== undefined) {
        // Older DevTools recordings: one event holding a whole .cpuprofile.
        const { cpuStartTime, cpuEndTime } = event.data
        const profile = cpuProfileOf(pid, `CpuProfile ${index}`, hasTs ? ts : NaN)
        profile.tid = tid
        if (cpuStartTime !== undefined) profile.startTime = cpuStartTime
        addProfileData(json, event, profile, true, keepLines)
        if (cpuEndTime !== undefined) profile.endTime = cpuEndTime
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
function frameId(thread: Thread, event: TraceEvent): number {
  const file = event.argFilename ?? event.argFile
  const line = event.argLine
  const column = event.argColumn
  const module = event.argModule
  return thread.index.id(
    event.nameId,
    event.name ?? '(unnamed)',
    typeof file === 'string' && file !== '' ? file : undefined,
    typeof line === 'number' && Number.isInteger(line) && line > 0 ? line : 0,
    typeof column === 'number' && Number.isInteger(column) && column > 0 ? column : 0,
    typeof module === 'string' && module !== '' ? module : undefined,
  )
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(reason: string, offset: number): never {
  throw new ProfconvError(FORMAT, reason, { offset })
}

/** `us` (µs) rounded to the nanosecond (times past 2^53 ns have no finer digits to round). */
function atNanosecond(us: number): number {
  const ns = us * 1000
  return Math.abs(ns) < 2 ** 53 ? Math.round(ns) / 1000 : us
}

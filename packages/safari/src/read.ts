import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  StackTree,
  newMeta,
  readJson,
  readJsonStream,
  type JsonKind,
  type JsonParser,
  type JsonPath,
  type JsonTake,
  type LineReadOptions,
  type Profile,
} from '@profconv/model'

export const FORMAT = 'safari'

export type SafariReadOptions = LineReadOptions

type Json = Record<string, unknown>

/**
 * Reads a Safari / WebKit Web Inspector timeline recording (Timelines ▸ Export, `*.json`
 * `{version: 1, recording: {…}}`) into samples: each of `recording.sampleStackTraces` (frames
 * leaf first, with function name, url, 1-based line and column) weighs its
 * `sampleDurations[i]` in seconds, at its timestamp since the recording's start. Other records
 * (network, layout, rendering, CPU usage) are skipped unread. The input is read as a stream of
 * JSON: memory grows with the samples, not with the file.
 */
export function readSafari(bytes: Uint8Array, options: SafariReadOptions = {}): Profile[] {
  return readJson(bytes, FORMAT, new SafariParser(), options)
}

/** The same from chunks (gzip accepted). */
export async function readSafariStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: SafariReadOptions = {},
): Promise<Profile[]> {
  return readJsonStream(chunks, FORMAT, new SafariParser(), options)
}

class SafariParser implements JsonParser {
  private version: unknown = undefined
  private recording = false
  private readonly fields: Json = {} // displayName, startTime, endTime
  private readonly frames = new FrameTable()
  private readonly tree = new StackTree()
  private readonly stack: number[] = []
  // Per stack trace its leaf node and timestamp; durations may come before or after.
  private traces: number[] | undefined
  private stamps: number[] = []
  private durations: number[] | undefined

  select(path: JsonPath, kind: JsonKind): JsonTake {
    const depth = path.length
    if (depth === 0) {
      if (kind !== 'object') fail("not a recording: no 'recording' object")
      return 'enter'
    }
    if (depth === 1) {
      if (path[0] === 'version') return 'value'
      if (path[0] !== 'recording') return 'skip'
      if (kind !== 'object') fail("not a recording: no 'recording' object")
      this.recording = true
      return 'enter'
    }
    if (path[0] !== 'recording') return 'skip'
    const key = path[1]
    if (depth === 2) {
      if (key === 'displayName' || key === 'startTime' || key === 'endTime') return 'value'
      if (key === 'sampleStackTraces' || key === 'sampleDurations') {
        if (kind !== 'array') return 'skip'
        if (key === 'sampleStackTraces') this.traces = []
        else this.durations = []
        return 'enter'
      }
      return 'skip'
    }
    return depth === 3 ? 'value' : 'skip'
  }

  value(path: JsonPath, value: unknown): void {
    if (path.length === 1) {
      this.version = value
      if (value !== 1) fail(`unknown recording version ${JSON.stringify(value)}`)
    } else if (path.length === 2) this.fields[path[1]] = value
    else if (path[1] === 'sampleDurations') {
      if (typeof value !== 'number' || !(value >= 0 && value < Infinity)) {
        fail(`sample ${path[2]}: duration ${JSON.stringify(value)} is not a number of seconds`)
      }
      this.durations!.push(value)
    } else this.trace(path[2] as number, value)
  }

  private trace(i: number, trace: unknown): void {
    if (!isObject(trace) || !Array.isArray(trace.stackFrames)) fail(`sample ${i}: no stackFrames`)
    const stack = this.stack
    stack.length = 0
    for (let f = trace.stackFrames.length - 1; f >= 0; f--) {
      stack.push(this.frames.intern(frameOf(trace.stackFrames[f], i)))
    }
    this.traces!.push(this.tree.insert(stack))
    this.stamps.push(typeof trace.timestamp === 'number' ? trace.timestamp : NaN)
  }

  finish(): Profile[] {
    if (!this.recording) fail("not a recording: no 'recording' object")
    if (this.version !== 1) fail(`unknown recording version ${JSON.stringify(this.version)}`)
    const { traces, durations } = this
    if (!traces || !durations) {
      fail("the recording has no 'sampleStackTraces' and 'sampleDurations' (no JavaScript samples)")
    }
    if (traces.length !== durations.length) {
      fail(`${traces.length} stack traces but ${durations.length} sample durations`)
    }
    const { startTime, endTime, displayName } = this.fields
    const start = typeof startTime === 'number' ? startTime : undefined
    const builder = new SamplesBuilder(1, this.tree)
    const value = [0]
    for (let i = 0; i < traces.length; i++) {
      const at = this.stamps[i]
      const time = start !== undefined && at >= start ? (at - start) * 1e9 : undefined
      value[0] = durations[i]
      builder.add(traces[i], value, undefined, time)
    }
    const meta = newMeta(FORMAT)
    if (typeof displayName === 'string') meta.name = displayName
    if (typeof endTime === 'number' && start !== undefined) meta.duration = (endTime - start) * 1e9
    return [
      {
        metrics: [{ name: 'time', unit: 'seconds' }],
        defaultMetric: 0,
        frames: this.frames,
        samples: builder.finish(),
        meta,
      },
    ]
  }
}

function frameOf(raw: unknown, sample: number) {
  if (!isObject(raw)) fail(`sample ${sample}: a stack frame is not an object`)
  const url = typeof raw.url === 'string' && raw.url !== '' ? raw.url : undefined
  const line = typeof raw.line === 'number' && raw.line > 0 ? raw.line : undefined
  const column = typeof raw.column === 'number' && raw.column > 0 ? raw.column : undefined
  let name = typeof raw.name === 'string' ? raw.name : ''
  // Anonymous functions are named for where they are, as Web Inspector shows them.
  if (name === '') {
    name = url ? `(anonymous ${url.slice(url.lastIndexOf('/') + 1)}:${line ?? 0})` : '(anonymous)'
  }
  return {
    name,
    ...(url ? { file: url } : {}),
    ...(line ? { line } : {}),
    ...(column ? { column } : {}),
  }
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}

import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  maybeGunzip,
  newMeta,
  parseJson,
  type Profile,
  type ReadOptions,
} from '@profconv/model'

export const FORMAT = 'safari'

type Json = Record<string, unknown>

/**
 * Reads a Safari / WebKit Web Inspector timeline recording (Timelines ▸ Export, `*.json`
 * `{version: 1, recording: {…}}`) into samples: each of `recording.sampleStackTraces` (frames
 * leaf first, with function name, url, 1-based line and column) weighs its
 * `sampleDurations[i]` in seconds, at its timestamp since the recording's start. Other records
 * (network, layout, rendering, CPU usage) are not read.
 */
export function readSafari(bytes: Uint8Array, options: ReadOptions = {}): Profile[] {
  const file = parseJson(maybeGunzip(bytes, FORMAT, options.maxInputSize), FORMAT)
  if (!isObject(file) || !isObject(file.recording)) fail("not a recording: no 'recording' object")
  if (file.version !== 1) fail(`unknown recording version ${JSON.stringify(file.version)}`)
  const recording = file.recording
  const traces = recording.sampleStackTraces
  const durations = recording.sampleDurations
  if (!Array.isArray(traces) || !Array.isArray(durations)) {
    fail("the recording has no 'sampleStackTraces' and 'sampleDurations' (no JavaScript samples)")
  }
  if (traces.length !== durations.length) {
    fail(`${traces.length} stack traces but ${durations.length} sample durations`)
  }
  const start = typeof recording.startTime === 'number' ? recording.startTime : undefined
  const frames = new FrameTable()
  const builder = new SamplesBuilder(1)
  const stack: number[] = []
  traces.forEach((trace, i) => {
    const duration = durations[i]
    if (typeof duration !== 'number' || !(duration >= 0 && duration < Infinity)) {
      fail(`sample ${i}: duration ${JSON.stringify(duration)} is not a number of seconds`)
    }
    if (!isObject(trace) || !Array.isArray(trace.stackFrames)) fail(`sample ${i}: no stackFrames`)
    stack.length = 0
    for (let f = trace.stackFrames.length - 1; f >= 0; f--) {
      stack.push(frames.intern(frameOf(trace.stackFrames[f], i)))
    }
    const at = trace.timestamp
    const time =
      typeof at === 'number' && start !== undefined && at >= start ? (at - start) * 1e9 : undefined
    builder.addStack(stack, [duration], undefined, time)
  })
  const meta = newMeta(FORMAT)
  if (typeof recording.displayName === 'string') meta.name = recording.displayName
  if (typeof recording.endTime === 'number' && start !== undefined) {
    meta.duration = (recording.endTime - start) * 1e9
  }
  return [
    {
      metrics: [{ name: 'time', unit: 'seconds' }],
      defaultMetric: 0,
      frames,
      samples: builder.finish(),
      meta,
    },
  ]
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

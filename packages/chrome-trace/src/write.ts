import { ByteOut } from './byte-out.js'
import { writeFlameEvents } from './flame-events.js'
import { cpuprofileColumns, type CpuprofileNode } from '@profconv/cpuprofile'
import {
  ProfconvError,
  movedSamplesNote,
  oneMetricNote,
  type Profile,
  type Samples,
  type WriteOptions,
} from '@profconv/model'

const PID = 1
const TID = 1
/** An `X` event's bytes besides its frame's: the start, two times and the duration's key. */
const EVENT_ROOM = 128
/** The size of the pieces `writeChromeTraceStream` hands out. */
const CHUNK = 1 << 20
const COMMA = ByteOut.encode(',')
const CLOSE = ByteOut.encode('}')

/**
 * Writes a profile's samples as a Chrome trace of `X` (complete) events, one flame chart on one
 * thread, loadable by Perfetto, chrome://tracing and DevTools: consecutive samples sharing the
 * start of their stacks keep those frames open, so every frame becomes one `X` event per
 * stretch of time it stayed on the stack. `M` events name the process (the profile's name) and
 * the thread (the metric). With sample times (cpuprofile, perf, trace inputs) and a time metric
 * the events sit at their true times (a gap between samples closes every frame; a sample whose
 * time falls inside the one before starts when that one ends, noted); otherwise the samples are
 * laid end to end in their order, which is noted. Every sample lasts its value. Times are
 * microseconds; a non-time metric is drawn as 1 ms per unit (1 µs past 1,000 s; noted). Frame
 * file, line and column go to `args`.
 */
export function writeChromeTrace(profile: Profile, options: WriteOptions = {}): Uint8Array {
  return writeTrace(profile, options)
}

/**
 * What `writeChromeTrace` writes, handed to `sink` in pieces of about 1 MiB as it is made: one
 * buffer, written again and again, so memory stays flat for traces of gigabytes. A piece is only
 * valid during the call.
 */
export function writeChromeTraceStream(
  profile: Profile,
  options: WriteOptions,
  sink: (chunk: Uint8Array) => void,
): void {
  writeTrace(profile, options, sink)
}

function writeTrace(
  profile: Profile,
  options: WriteOptions,
  sink?: (chunk: Uint8Array) => void,
): Uint8Array {
  const samples = profile.samples
  if (!samples) throw new ProfconvError('chrome-trace', 'the profile has no samples to write')
  // The samples as a V8 CPU profile (DevTools and profiler-cli show it as a sampled profile),
  // written beside the X events; its notes are this writer's own, below. Its timeline is theirs.
  const cpu = cpuprofileColumns(
    { ...profile, meta: { ...profile.meta, notes: [] } },
    options,
    'chrome-trace',
  )
  const timeline = cpu.timeline
  const { values, usPerUnit: scale, starts } = timeline
  const metric = profile.metrics[timeline.metric]
  const timed = timeline.times !== undefined
  const notes = profile.meta.notes
  // One sample is written per sample: a count of 1 in each is kept, as the samples themselves.
  const one = oneMetricNote('chrome-trace', profile.metrics, timeline.metric, (k) =>
    samples.values[k].every((v) => v === 1),
  )
  if (one) notes.push(one)
  if (!timeline.isTime) {
    notes.push(
      `chrome-trace shows time: '${metric.name}' (${metric.unit}) is drawn as ${scale === 1000 ? '1 ms' : '1 µs'} per unit, samples laid end to end`,
    )
  } else if (!timed) {
    notes.push(
      'the samples have no times (or not in order): the chrome-trace flame chart lays them end to end in their order',
    )
  }
  const moved = movedSamplesNote(timeline, 'chrome-trace')
  if (moved) notes.push(moved)

  // Each frame's event text after the times, encoded once, followed by the next event's text
  // up to its start (`,{"ph":"X",…,"ts":`): one copy per event writes both. The last event's
  // is taken back at the end. The texts are the output's dictionary: frame f's is its bytes
  // `frameAt[f]` to `frameAt[f + 1]`.
  const eventStart = `,{"ph":"X","pid":${PID},"tid":${TID},"ts":`
  const frameTexts = profile.frames.frames.map((f) => {
    const args: Record<string, string | number> = {}
    if (f.file !== undefined) args.file = f.file
    if (f.line !== undefined) args.line = f.line
    if (f.column !== undefined) args.column = f.column
    if (f.module !== undefined) args.module = f.module
    const hasArgs = Object.keys(args).length > 0
    return ByteOut.encode(
      `,"name":${JSON.stringify(f.name)}${hasArgs ? `,"args":${JSON.stringify(args)}` : ''}}${eventStart}`,
    )
  })
  const frameAt = new Int32Array(frameTexts.length + 1)
  for (let f = 0; f < frameTexts.length; f++) frameAt[f + 1] = frameAt[f] + frameTexts[f].length
  const dictionary = new Uint8Array(frameAt[frameTexts.length])
  frameTexts.forEach((text, f) => dictionary.set(text, frameAt[f]))

  const out = sink
    ? new ByteOut(CHUNK, sink, dictionary)
    : new ByteOut(sizeAtMost(samples, values, frameAt, EVENT_ROOM), undefined, dictionary)
  out.text('{"traceEvents":[')
  const meta = (name: string, value: string) =>
    `{"ph":"M","pid":${PID},"tid":${TID},"name":"${name}","args":{"name":${JSON.stringify(value)}}}`
  out.text(meta('process_name', profile.meta.name ?? 'profconv'))
  out.text(',')
  out.text(meta('thread_name', `${metric.name} (${metric.unit})`))

  const v8 = `"pid":${PID},"tid":${TID},"ts":0,"ph":"P","cat":"disabled-by-default-v8.cpu_profiler","id":"0x1"`
  out.text(`,{${v8},"name":"Profile","args":{"data":{"startTime":0}}}`)
  out.text(`,{${v8},"name":"ProfileChunk","args":{"data":{"cpuProfile":{"nodes":[`)
  // Each frame's `callFrame` text, encoded once, in the nodes' order (script ids are numbered
  // as the nodes first name each file).
  const callFrames: (Uint8Array | undefined)[] = []
  const callFrameOf = (frame: number): Uint8Array =>
    (callFrames[frame + 1] ??= ByteOut.encode(callFrameJson(cpu.callFrame(frame))))
  const idStart = ByteOut.encode('{"id":')
  const callFrameKey = ByteOut.encode(',"callFrame":')
  const parentKey = ByteOut.encode(',"parent":')
  for (let node = 0; node < cpu.nodeCount; node++) {
    const callFrame = callFrameOf(cpu.nodeFrame[node])
    out.room(64 + callFrame.length)
    if (node > 0) out.put(COMMA)
    out.put(idStart)
    out.integer(node + 1)
    out.put(callFrameKey)
    out.put(callFrame)
    if (node > 0) {
      out.put(parentKey)
      out.integer(cpu.nodeParent[node] + 1)
    }
    out.put(CLOSE)
  }
  const count = cpu.sampleCount
  out.text(`],"samples":`)
  out.text('[')
  out.numbers(cpu.samples.subarray(0, count), 1)
  out.text(']')
  out.text(`},"timeDeltas":`)
  out.text('[')
  out.numbers(cpu.timeDeltas.subarray(0, count))
  out.text(']')
  const lines = cpu.lines.subarray(0, count)
  if (lines.some((line) => line > 0)) {
    out.text(`,"lines":`)
    out.text('[')
    out.numbers(lines)
    out.text(']')
  }
  out.text(`,"endTime":${cpu.endTime}}}}`)

  // The events' text up to the first one's start: each frame's text brings the next one's.
  out.text(eventStart)
  const { stackless, stacklessCost, allCost } = writeFlameEvents(
    out,
    samples,
    values,
    starts,
    scale,
    frameAt,
  )
  out.takeBack(eventStart.length)
  if (stackless > 0) {
    const share = Number(((100 * stacklessCost) / allCost).toPrecision(3))
    notes.push(
      `${stackless} sample(s) without a stack (${share}% of '${metric.name}') have no X event: their time is a gap in the flame chart (the trace's V8 CPU profile keeps them as (root) samples)`,
    )
  }
  out.text('],"displayTimeUnit":"ms","otherData":')
  out.text(
    JSON.stringify({
      producer: 'profconv',
      name: profile.meta.name ?? 'profconv',
      format: profile.meta.format,
      metric: `${metric.name} (${metric.unit})`,
      notes: notes.join('; '),
    }),
  )
  out.text('}\n')
  return out.finish()
}

/**
 * About the most bytes the events take: every sample's whole stack as events (consecutive
 * samples sharing frames write fewer), plus the CPU profile's text. The buffer is allocated at
 * this size once; what is never written is never touched.
 */
function sizeAtMost(
  samples: Samples,
  values: ArrayLike<number>,
  frameAt: Int32Array,
  perEvent: number,
): number {
  const frameBytes = (frame: number) => frameAt[frame + 1] - frameAt[frame]
  const tree = samples.tree
  const nodes = tree.length
  // A node's whole stack: its parent's plus its own event (a parent's id is smaller).
  const stackBytes = new Float64Array(nodes)
  for (let node = 0; node < nodes; node++) {
    const parent = tree.parent(node)
    stackBytes[node] =
      (parent >= 0 ? stackBytes[parent] : 0) + perEvent + frameBytes(tree.frame(node))
  }
  // The CPU profile: nodes (about a frame's text each) and three numbers per sample.
  let total = 1 << 16
  for (let node = 0; node < nodes; node++) total += 64 + frameBytes(tree.frame(node))
  for (let i = 0; i < samples.stack.length; i++) {
    total += 3 * 24
    const node = samples.stack[i]
    if (values[i] > 0 && node >= 0) total += stackBytes[node]
  }
  return total
}

/** `JSON.stringify(frame)`, its keys in the order a `CpuprofileNode`'s `callFrame` has them. */
function callFrameJson(frame: CpuprofileNode['callFrame']): string {
  const { functionName, scriptId, url, lineNumber, columnNumber } = frame
  return `{"functionName":${JSON.stringify(functionName)},"scriptId":${JSON.stringify(scriptId)},"url":${JSON.stringify(url)},"lineNumber":${JSON.stringify(lineNumber)},"columnNumber":${JSON.stringify(columnNumber)}}`
}

import {
  edgeColumns,
  type EdgeColumns,
  graphOf,
  nanosecondsPer,
  type Frame,
  type Metric,
  type Profile,
  type WriteOptions,
} from '@profconv/model'
import { ByteWriter } from './byte-writer.js'
import { UNKNOWN_NAME } from './events.js'

/** The note added when a writer had to round fractional costs to callgrind's integers. */
export const ROUNDED_NOTE = 'callgrind costs are integers: fractional costs were rounded'

/**
 * Writes a profile's call graph as a callgrind file that KCachegrind and callgrind_annotate
 * read: `positions: line`, compressed names, every metric as an event (time metrics as integer
 * nanoseconds, said so in an `event:` line), each function's self cost on its first line, and
 * per call arc the call count and the callee's inclusive cost. An arc whose call count is
 * unknown (profiles made from samples) is written `calls=0`, as `go tool pprof` does: no count
 * is invented. `summary:` and `totals:` are the sums of the written self costs.
 */
export function writeCallgrind(profile: Profile, options: WriteOptions = {}): string {
  return utf8.decode(encodeCallgrind(profile, options))
}

/** `writeCallgrind` as UTF-8 bytes, written without a string per line (what the CLI saves). */
export function encodeCallgrind(profile: Profile, _options: WriteOptions = {}): Uint8Array {
  const graph = graphOf(profile)
  const M = profile.metrics.length
  const frames = profile.frames.frames
  const scales = profile.metrics.map((m) => nanosecondsPer(m.unit) ?? 1)
  let rounded = false
  /** A cost as callgrind's integer (time in nanoseconds). */
  const integer = (value: number, m: number) => {
    const scaled = value * scales[m]
    const int = Math.round(scaled)
    if (Math.abs(int - scaled) > 1e-6 * Math.max(1, Math.abs(scaled))) rounded = true
    return int
  }
  const sums = new Array<number>(M).fill(0)
  for (const node of graph.nodes) for (let m = 0; m < M; m++) sums[m] += integer(node.self[m], m)

  const out = new ByteWriter()
  const line = (text: string) => {
    out.text(text)
    out.byte(NEWLINE)
  }
  line('# callgrind format')
  line('version: 1')
  line('creator: profconv')
  if (profile.meta.name) line(`cmd: ${oneLine(profile.meta.name)}`)
  for (const comment of profile.meta.comments) line(`desc: ${oneLine(comment)}`)
  line('positions: line')
  const events = eventNames(profile.metrics)
  profile.metrics.forEach((m, i) => {
    if (nanosecondsPer(m.unit) !== undefined) {
      line(`event: ${events[i]} : ${oneLine(m.name)} in nanoseconds [nanoseconds]`)
    }
  })
  line(`events: ${events.join(' ')}`)
  line(`summary: ${sums.join(' ')}`)

  const names = new FrameNames(frames)
  const arcs = edgesByCaller(edgeColumns(graph, M), frames.length)
  /** A cost line: the position, then one integer per metric from `values[at..at + M)`. */
  const costLine = (position: number, values: ArrayLike<number>, at: number) => {
    out.number(position)
    out.byte(SPACE)
    for (let m = 0; m < M; m++) {
      if (m > 0) out.byte(SPACE)
      out.number(integer(values[at + m], m))
    }
    out.byte(NEWLINE)
  }
  const withModules = frames.some((f) => f.module)
  // Per frame, a number per distinct file and module, and the line: a million arcs compare
  // and read numbers in arrays, not strings in objects.
  const fileKey = stringKeys(frames, (f) => f.file)
  const moduleKey = stringKeys(frames, (f) => f.module)
  const lineOf = Float64Array.from(frames, (f) => f.line ?? 0)
  for (const node of graph.nodes) {
    const f = node.frame
    const frame = frames[f]
    out.byte(NEWLINE)
    if (withModules) names.object(out, 'ob=', f)
    names.file(out, 'fl=', f)
    names.function(out, 'fn=', f)
    const position = frame.line ?? 0
    costLine(position, node.self, 0)
    for (let a = arcs.start[f]; a < arcs.start[f + 1]; a++) {
      const c = arcs.callee[a]
      if (withModules && moduleKey[c] !== moduleKey[f]) names.object(out, 'cob=', c)
      if (fileKey[c] !== fileKey[f]) names.file(out, 'cfi=', c)
      names.function(out, 'cfn=', c)
      out.text('calls=')
      out.number(Number.isNaN(arcs.calls[a]) ? 0 : arcs.calls[a])
      out.byte(SPACE)
      out.number(lineOf[c])
      out.byte(NEWLINE)
      costLine(position, arcs.total, a * M)
    }
  }
  out.byte(NEWLINE)
  line(`totals: ${sums.join(' ')}`)
  if (rounded && !profile.meta.notes.includes(ROUNDED_NOTE)) profile.meta.notes.push(ROUNDED_NOTE)
  return out.finish()
}

const NEWLINE = 10
const SPACE = 32
const utf8 = new TextDecoder()

/** Per frame, a number for `field`'s value: equal strings get equal numbers, absent 0. */
function stringKeys(frames: readonly Frame[], field: (f: Frame) => string | undefined) {
  const keys = new Map<string, number>()
  const out = new Int32Array(frames.length)
  frames.forEach((frame, i) => {
    const value = field(frame)
    if (value === undefined) return
    let key = keys.get(value)
    if (key === undefined) keys.set(value, (key = keys.size + 1))
    out[i] = key
  })
  return out
}

/**
 * The edges grouped by caller frame, keeping their order within a caller (a counting sort):
 * the edges of frame `f` are `start[f]..start[f + 1]` of the returned columns. They are copied
 * in that order once, in a tight loop: the writer then reads them in sequence rather than
 * jumping through a million edges stored in another order (pstats keeps them by callee).
 */
function edgesByCaller(edges: EdgeColumns, frameCount: number) {
  const { caller, length } = edges
  const M = edges.metricCount
  const start = new Int32Array(frameCount + 1)
  for (let e = 0; e < length; e++) start[caller[e] + 1]++
  for (let f = 0; f < frameCount; f++) start[f + 1] += start[f]
  const next = start.slice(0, frameCount)
  const callee = new Int32Array(length)
  const calls = new Float64Array(length)
  const total = new Float64Array(length * M)
  for (let e = 0; e < length; e++) {
    const i = next[caller[e]]++
    callee[i] = edges.callee[e]
    calls[i] = edges.calls[e]
    for (let m = 0; m < M; m++) total[i * M + m] = edges.total[e * M + m]
  }
  return { start, callee, calls, total }
}

/**
 * callgrind's compressed names of the three kinds, per frame: `(n) name` where a name is used
 * first, `(n)` afterwards. Ids are numbered per kind in order of first use; a frame's ids are
 * looked up once and kept, so a million arcs cost no string hashing.
 */
class FrameNames {
  private readonly objects = new CompressedNames()
  private readonly files = new CompressedNames()
  private readonly functions = new CompressedNames()
  private readonly objectOf: Int32Array
  private readonly fileOf: Int32Array
  private readonly functionOf: Int32Array
  private readonly functionNames: string[]

  constructor(private readonly frames: readonly Frame[]) {
    this.objectOf = new Int32Array(frames.length)
    this.fileOf = new Int32Array(frames.length)
    this.functionOf = new Int32Array(frames.length)
    this.functionNames = frameNames(frames)
  }

  /** Writes `key` and the object of frame `f`, then a newline. */
  object(out: ByteWriter, key: string, f: number): void {
    let id = this.objectOf[f]
    if (id === 0) id = this.objectOf[f] = this.objects.id(this.frames[f].module ?? UNKNOWN_NAME)
    this.objects.write(out, key, id)
  }

  file(out: ByteWriter, key: string, f: number): void {
    let id = this.fileOf[f]
    if (id === 0) id = this.fileOf[f] = this.files.id(this.frames[f].file ?? UNKNOWN_NAME)
    this.files.write(out, key, id)
  }

  function(out: ByteWriter, key: string, f: number): void {
    let id = this.functionOf[f]
    if (id === 0) id = this.functionOf[f] = this.functions.id(this.functionNames[f])
    this.functions.write(out, key, id)
  }
}

/** The compressed names of one kind: ids from 1 in order of first use. */
class CompressedNames {
  private readonly ids = new Map<string, number>()
  /** The names by id (from 1). */
  private readonly names: string[] = ['']
  /** 1 where the id's name was written in full (a byte per id: read for every reference). */
  private written = new Uint8Array(1024)

  id(name: string): number {
    let id = this.ids.get(name)
    if (id === undefined) {
      id = this.names.push(name) - 1
      this.ids.set(name, id)
      if (id >= this.written.length) {
        const grown = new Uint8Array(2 * this.written.length)
        grown.set(this.written)
        this.written = grown
      }
    }
    return id
  }

  /** Writes `key(id)`, with the name after it the first time, and a newline. */
  write(out: ByteWriter, key: string, id: number): void {
    out.text(key)
    out.byte(40 /* ( */)
    out.number(id)
    out.byte(41 /* ) */)
    if (this.written[id] === 0) {
      this.written[id] = 1
      out.byte(SPACE)
      out.text(oneLine(this.names[id]))
    }
    out.byte(NEWLINE)
  }
}

/**
 * The function name written for each frame. A callgrind function is its name, file and object;
 * frames that differ only in their line (two `__init__` in one Python file) get `name:line`.
 */
function frameNames(frames: readonly Frame[]): string[] {
  const keys = frames.map((f) => `${f.name}\u0000${f.file ?? ''}\u0000${f.module ?? ''}`)
  const seen = new Map<string, number>()
  for (const key of keys) seen.set(key, (seen.get(key) ?? 0) + 1)
  return frames.map((f, i) =>
    seen.get(keys[i])! > 1 && f.line !== undefined ? `${f.name}:${f.line}` : f.name,
  )
}

/**
 * Event names: the metric names without blanks, made unique; a time metric, written in
 * nanoseconds, gets `(ns)` in place of a unit its name states (`cpu(ms)` becomes `cpu(ns)`).
 */
function eventNames(metrics: readonly Metric[]): string[] {
  const used = new Set<string>()
  return metrics.map((m) => {
    let base = m.name.replace(/\s+/g, '_') || 'event'
    if (nanosecondsPer(m.unit) !== undefined) base = `${base.replace(/\([a-z]+\)$/, '')}(ns)`
    let name = base
    for (let i = 2; used.has(name); i++) name = `${base}_${i}`
    used.add(name)
    return name
  })
}

/** `text` on one line; tested first, since it runs for every name and almost none has a break. */
function oneLine(text: string): string {
  return LINE_BREAK.test(text) ? text.replace(/[\r\n]+/g, ' ') : text
}

const LINE_BREAK = /[\r\n]/

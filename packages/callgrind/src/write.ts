import {
  addressHex,
  edgeColumns,
  graphOf,
  nanosecondsPer,
  positionsOf,
  type CallGraph,
  type EdgeColumns,
  type Frame,
  type Metric,
  type PositionDetail,
  type Profile,
  type WriteOptions,
} from '@profconv/model'
import { ByteWriter } from './byte-writer.js'
import { UNKNOWN_NAME, eventUnit } from './events.js'

/** The note added when a writer had to round fractional costs to callgrind's integers. */
export const ROUNDED_NOTE = 'callgrind costs are integers: fractional costs were rounded'

/** The note (and `desc:` line) when call counts are unknown and written as 1 per call site. */
export const UNKNOWN_CALLS_NOTE =
  'the source has no call counts: each call site is written calls=1 (a count, not a measurement), ' +
  'so callgrind_annotate and KCachegrind show true self and inclusive costs'

/**
 * Writes a profile's call graph as a callgrind file that KCachegrind and callgrind_annotate
 * read: compressed names, every metric as an event under its own name and unit (costs are
 * integers: a time metric with fractional values is written in nanoseconds, other fractional
 * costs rounded, each with a note), per call arc the call count and the callee's inclusive cost.
 *
 * With position detail (`Profile.positions`): `positions: instr line` when addresses are known,
 * else `line`; each self row at its line (and address), `fi=`/`fe=` around code inlined from
 * another file, each call at its call site. Without: each function's self on its first line.
 * A call count the source does not know is written `calls=1` per call site (callgrind_annotate
 * 3.19 would count the cost of a `calls=0` arc as the caller's self), said in a `desc:` line.
 * `file://` URLs are written as paths. `summary:` is the total the source stated, else (but for
 * a callgrind source that stated none) the sum of the self costs; `totals:` that sum.
 */
export function writeCallgrind(profile: Profile, options: WriteOptions = {}): string {
  return utf8.decode(encodeCallgrind(profile, options))
}

/** `writeCallgrind` as UTF-8 bytes, written without a string per line (what the CLI saves). */
export function encodeCallgrind(profile: Profile, _options: WriteOptions = {}): Uint8Array {
  const graph = graphOf(profile)
  const detail = positionsOf(profile)
  const M = profile.metrics.length
  const frames = profile.frames.frames.map(asPathFrame)
  const edges = edgeColumns(graph, M)
  const scales = integerScales(profile, graph, edges, detail)
  let rounded = false
  /** A cost as callgrind's integer (in the written unit). */
  const integer = (value: number, m: number) => {
    const scaled = value * scales[m]
    const int = Math.round(scaled)
    if (Math.abs(int - scaled) > 1e-6 * Math.max(1, Math.abs(scaled))) rounded = true
    return int
  }
  const sums = new Array<number>(M).fill(0)
  for (const node of graph.nodes) for (let m = 0; m < M; m++) sums[m] += integer(node.self[m], m)
  const unknownCalls = detail
    ? detail.sites.calls.some((c) => Number.isNaN(c))
    : edges.calls.some((c) => Number.isNaN(c))

  // Without positions, room for 64 bytes per function and call: a call's four lines take ~50
  // (the cProfile bench file's 20k functions and 200k calls make 11 MB), so the buffer is
  // seldom grown by copies.
  const out = new ByteWriter(detail ? undefined : 64 * (graph.nodes.length + edges.length))
  const line = (text: string) => {
    out.text(text)
    out.byte(NEWLINE)
  }
  line('# callgrind format')
  line('version: 1')
  line('creator: profconv')
  if (profile.meta.name) line(`cmd: ${oneLine(profile.meta.name)}`)
  for (const comment of profile.meta.comments) line(`desc: ${oneLine(comment)}`)
  if (unknownCalls) line(`desc: ${UNKNOWN_CALLS_NOTE}`)
  const instr = detail?.hasAddresses === true
  line(instr ? 'positions: instr line' : 'positions: line')
  const events = eventNames(profile.metrics, scales)
  profile.metrics.forEach((m, i) => {
    const unit = scales[i] !== 1 ? 'nanoseconds' : m.unit
    if (eventUnit(events[i]) !== unit && unit !== 'count') {
      line(`event: ${events[i]} : ${oneLine(m.name)} [${unit}]`)
    }
  })
  line(`events: ${events.join(' ')}`)
  // The total the source stated; none for a callgrind file that stated none (its readers sum
  // the costs, and so they will again); else the sum of the self costs.
  const stated = profile.meta.totals
  const total =
    stated?.length === M && scales.every((k) => k === 1)
      ? stated
      : profile.meta.format === 'callgrind'
        ? undefined
        : sums
  if (total) line(`summary: ${total.join(' ')}`)

  const names = new FrameNames(frames)
  /** Cost figures from `values[at..at + M)`, then a newline. */
  const fullLines = detail?.fullLines === true
  const costs = (values: ArrayLike<number>, at: number) => {
    // Trailing zeros are left out, as callgrind does, unless the source wrote them (cachegrind):
    // callgrind_annotate shows "." for costs a function never gave, 0 for given zeros.
    let n = M
    if (!fullLines) while (n > 1 && integer(values[at + n - 1], n - 1) === 0) n--
    for (let m = 0; m < n; m++) {
      out.byte(SPACE)
      out.number(integer(values[at + m], m))
    }
    out.byte(NEWLINE)
  }
  const withModules = frames.some((f) => f.module)
  const fileKey = stringKeys(frames, (f) => f.file)
  const moduleKey = stringKeys(frames, (f) => f.module)
  const lineOf = Float64Array.from(frames, (f) => f.line ?? 0)
  /** The callee of a call: cob= and cfi= where they differ from the caller's, cfn=. */
  const callee = (caller: number, c: number, currentFile: string | undefined) => {
    if (withModules && moduleKey[c] !== moduleKey[caller]) names.object(out, 'cob=', c)
    if (frames[c].file !== currentFile) names.file(out, 'cfi=', c)
    names.function(out, 'fn=', c, 'cfn=')
  }
  const callsLine = (count: number, c: number) => {
    out.text('calls=')
    out.number(Number.isNaN(count) ? 1 : count)
    if (instr) out.text(' 0')
    out.byte(SPACE)
    out.number(lineOf[c])
    out.byte(NEWLINE)
  }

  if (!detail) {
    const arcs = edgesByCaller(edges, frames.length)
    for (const node of graph.nodes) {
      const f = node.frame
      out.byte(NEWLINE)
      if (withModules) names.object(out, 'ob=', f)
      names.file(out, 'fl=', f)
      names.function(out, 'fn=', f)
      const position = lineOf[f]
      out.number(position)
      costs(node.self, 0)
      for (let a = arcs.start[f]; a < arcs.start[f + 1]; a++) {
        const c = arcs.callee[a]
        if (withModules && moduleKey[c] !== moduleKey[f]) names.object(out, 'cob=', c)
        if (fileKey[c] !== fileKey[f]) names.file(out, 'cfi=', c)
        names.function(out, 'fn=', c, 'cfn=')
        callsLine(arcs.calls[a], c)
        out.number(position)
        costs(arcs.total, a * M)
      }
    }
  } else {
    const files = detail.files.map(asPath)
    const pos = new PositionWriter(out, instr)
    /** The file cost lines are attributed to now (fl=, fi=, fe= set it). */
    let current: string | undefined = undefined
    let currentFn = -1
    const enter = (f: number) => {
      out.byte(NEWLINE)
      if (withModules) names.object(out, 'ob=', f)
      // fn= names the function with the current file: make it the function's own.
      names.file(out, 'fl=', f)
      current = frames[f].file
      names.function(out, 'fn=', f)
      currentFn = f
    }
    const goTo = (f: number, file: number) => {
      const name = file < 0 ? undefined : files[file]
      if (name === current) return
      names.fileName(out, name === frames[f].file ? 'fe=' : 'fi=', name)
      current = name
    }
    const { lines, sites } = detail
    // Calls in the order the source first made them (callgrind_annotate lists the calls made
    // at a line by the first function that called from it), switching function as needed.
    for (let r = 0; r < sites.length; r++) {
      const f = sites.caller[r]
      if (f !== currentFn) enter(f)
      goTo(f, sites.file[r])
      callee(f, sites.callee[r], current)
      callsLine(sites.calls[r], sites.callee[r])
      pos.write(sites.addressHi[r], sites.addressLo[r], sites.line[r], true)
      costs(sites.total, r * M)
    }
    // Then self rows grouped by function (in row order within one), every function once, in
    // the order the source last opened each (callgrind_annotate shows the object of a
    // function name's last fn= block), else of their first rows, then those without any.
    const rowsOf = groupBy(lines.frame, lines.length, frames.length)
    const order: number[] = []
    const listed = new Uint8Array(frames.length)
    const list = (f: number) => {
      if (listed[f] === 0) order.push(f)
      listed[f] = 1
    }
    for (const f of detail.frameOrder ?? []) if (f < frames.length) list(f)
    for (let r = 0; r < lines.length; r++) list(lines.frame[r])
    for (const node of graph.nodes) list(node.frame)
    for (const f of order) {
      enter(f)
      for (let i = rowsOf.start[f]; i < rowsOf.start[f + 1]; i++) {
        const r = rowsOf.rows[i]
        goTo(f, lines.file[r])
        pos.write(lines.addressHi[r], lines.addressLo[r], lines.line[r], false)
        costs(lines.self, r * M)
      }
    }
  }
  out.byte(NEWLINE)
  if (total) line(`totals: ${sums.join(' ')}`)
  const notes = profile.meta.notes
  if (rounded && !notes.includes(ROUNDED_NOTE)) notes.push(ROUNDED_NOTE)
  if (unknownCalls && !notes.includes(UNKNOWN_CALLS_NOTE)) notes.push(UNKNOWN_CALLS_NOTE)
  profile.metrics.forEach((m, i) => {
    if (scales[i] === 1) return
    const note = `${m.name} (${m.unit}) has fractional costs: written in nanoseconds as ${events[i]}`
    if (!notes.includes(note)) notes.push(note)
  })
  return out.finish()
}

/**
 * Positions of cost lines: the line, after the address in hex when `instr`. Relative to the
 * last cost line (`+N`, `-N`, `*`) where that is shorter, except on the cost line of a call,
 * written in full (readers differ on whether a call's target position moves the base).
 */
class PositionWriter {
  private lastLine = 0
  private lastAddress = -1

  constructor(
    private readonly out: ByteWriter,
    private readonly instr: boolean,
  ) {}

  write(hi: number, lo: number, line: number, absolute: boolean): void {
    const out = this.out
    if (this.instr) {
      const address = hi * 4294967296 + lo
      const exact = address <= Number.MAX_SAFE_INTEGER
      const diff = address - this.lastAddress
      if (!absolute && exact && this.lastAddress >= 0 && Math.abs(diff) < 4096) {
        this.relative(diff)
      } else {
        out.text(`0x${addressHex(hi, lo)}`)
      }
      this.lastAddress = exact ? address : -1
      out.byte(SPACE)
    }
    if (absolute) out.number(line)
    else this.relative(line - this.lastLine)
    this.lastLine = line
  }

  private relative(diff: number): void {
    if (diff === 0) this.out.byte(42 /* * */)
    else {
      this.out.byte(diff > 0 ? 43 /* + */ : 45 /* - */)
      this.out.number(Math.abs(diff))
    }
  }
}

/** Row ids grouped by `key[row]` (< keyCount), in row order within a key (a counting sort). */
function groupBy(key: Int32Array, length: number, keyCount: number) {
  const start = new Int32Array(keyCount + 1)
  for (let r = 0; r < length; r++) start[key[r] + 1]++
  for (let k = 0; k < keyCount; k++) start[k + 1] += start[k]
  const next = start.slice(0, keyCount)
  const rows = new Int32Array(length)
  for (let r = 0; r < length; r++) rows[next[key[r]]++] = r
  return { start, rows }
}

/**
 * Per metric, the factor its costs are written with: 1 (as they are) when every cost is an
 * integer, else 10^9 / (nanoseconds per unit) for a time metric (written in nanoseconds, the
 * smallest unit callgrind readers know) and 1 for others (rounded).
 */
function integerScales(
  profile: Profile,
  graph: CallGraph,
  edges: EdgeColumns,
  detail: PositionDetail | undefined,
): number[] {
  const M = profile.metrics.length
  const fractional = new Array<boolean>(M).fill(false)
  const scan = (values: ArrayLike<number>, width: number) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      if (v !== Math.round(v) && Number.isFinite(v)) fractional[i % width] = true
    }
  }
  for (const node of graph.nodes) scan(node.self, M)
  scan(edges.total, M)
  if (detail) {
    scan(detail.lines.self, M)
    scan(detail.sites.total, M)
  }
  return profile.metrics.map((m, i) => (fractional[i] ? (nanosecondsPer(m.unit) ?? 1) : 1))
}

/** A `file://` URL as the path it names (callgrind_annotate cuts names at their first `:`). */
function asPath(file: string): string
function asPath(file: string | undefined): string | undefined
function asPath(file: string | undefined): string | undefined {
  if (file === undefined || !file.startsWith('file://')) return file
  try {
    return decodeURIComponent(new URL(file).pathname)
  } catch {
    return file
  }
}

function asPathFrame(frame: Frame): Frame {
  return frame.file?.startsWith('file://') ? { ...frame, file: asPath(frame.file) } : frame
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
    // An empty file name (Node's native frames) cannot be written: `fl=(n) ` reads as a reference.
    if (id === 0) id = this.fileOf[f] = this.files.id(this.frames[f].file || UNKNOWN_NAME)
    this.files.write(out, key, id)
  }

  /** Writes `key` and file `name` (undefined: unknown), then a newline. */
  fileName(out: ByteWriter, key: string, name: string | undefined): void {
    this.files.write(out, key, this.files.id(name || UNKNOWN_NAME))
  }

  function(out: ByteWriter, key: string, f: number, as = key): void {
    let id = this.functionOf[f]
    if (id === 0) id = this.functionOf[f] = this.functions.id(this.functionNames[f])
    this.functions.write(out, as, id)
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
 * Event names: the metric names without blanks, made unique; a time metric written in
 * nanoseconds (`scales[i] !== 1`) gets `(ns)` in place of a unit its name states.
 */
function eventNames(metrics: readonly Metric[], scales: readonly number[]): string[] {
  const used = new Set<string>()
  return metrics.map((m, i) => {
    let base = m.name.replace(/\s+/g, '_') || 'event'
    if (scales[i] !== 1) base = `${base.replace(/\([a-z]+\)$/, '')}(ns)`
    let name = base
    for (let k = 2; used.has(name); k++) name = `${base}_${k}`
    used.add(name)
    return name
  })
}

/** `text` on one line; tested first, since it runs for every name and almost none has a break. */
function oneLine(text: string): string {
  return LINE_BREAK.test(text) ? text.replace(/[\r\n]+/g, ' ') : text
}

const LINE_BREAK = /[\r\n]/

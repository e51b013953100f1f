import {
  FrameTable,
  GraphBuilder,
  addInto,
  type CallGraph,
  ProfconvError,
  newMeta,
  type GraphEdge,
  type Metric,
  type Profile,
} from '@profconv/model'
import { functionTotals } from './inclusive.js'
import { ByteLineScanner } from './line-scanner.js'
import { NameTable } from './name-table.js'
import { eventUnit, UNKNOWN_NAME } from './events.js'

const utf8 = new TextDecoder('utf-8')

/** The part being read: its metrics, frames and graph, created at its first cost line. */
interface Part {
  metrics: Metric[]
  /**
   * The graph, keyed by function index: functions are `ob`/`fl`/`fn` slot triples, named at the
   * end of the part (a name may be defined after its first reference).
   */
  graph: GraphBuilder
  /**
   * Index + 1 of each function by fn slot, for the object and file it was first seen in
   * (`firstOb`, `firstFl`); the same fn in another object or file is found in `otherFunctions`.
   */
  functionOf: Int32Array
  firstOb: Int32Array
  firstFl: Int32Array
  otherFunctions: Map<string, number>
  /** The functions' triples in index order. */
  triples: number[]
  /** The `summary:` or `totals:` figures the file states, to check against the costs. */
  stated: { key: string; values: number[] }[]
}

/**
 * A streaming reader of the callgrind format (valgrind's "Callgrind Format Specification"):
 * `push` chunks of bytes, then `end` for one `Profile` per part. Memory grows with the number
 * of functions and call arcs, never with the size of the input: cost lines are parsed straight
 * from the bytes and summed at once.
 */
export class CallgrindParser {
  private readonly scanner = new ByteLineScanner((buf, start, end, lineNo) =>
    this.line(buf, start, end, lineNo),
  )
  private readonly objects = new NameTable()
  private readonly files = new NameTable()
  private readonly functions = new NameTable()
  private readonly profiles: Profile[] = []

  // Header state; it carries over from one part to the next unless a part restates it.
  private positions = 1
  private events: string[] = []
  /** Units stated by `event:` lines (`event: time : time [nanoseconds]`), by event name. */
  private readonly eventUnits = new Map<string, string>()
  private name: string | undefined
  private comments: string[] = []
  private pendingStated: Part['stated'] = []

  // Body state: the current object and file, the current function (named with the object and
  // file current at its fn= line, as callgrind_annotate does), and the target of the next call.
  private ob = -1
  /** The current source file: the last `fl`, or an inlined `fi`/`fe` file. */
  private file = -1
  private fnOb = -1
  private fnFile = -1
  private fn = -1
  private cob = -1
  private cfl = -1
  private cfn = -1
  private part: Part | undefined
  /** Self cost of the current function in the current part, or undefined before resolving. */
  private self: number[] | undefined
  /** Set by a `calls=` line: the next cost line is that call's inclusive cost. */
  private call: GraphEdge | undefined
  private callCount = 0
  private costs = new Float64Array(0)

  push(chunk: Uint8Array): void {
    this.scanner.push(chunk)
  }

  end(): Profile[] {
    this.scanner.end()
    if (this.call) throw this.error('the file ends after a calls= line without its cost line')
    this.finishPart()
    if (this.profiles.length === 0)
      throw new ProfconvError(
        'callgrind',
        'no profile data: the input has no events: line and no costs',
      )
    return this.profiles
  }

  private lineNo = 0

  private line(buf: Uint8Array, start: number, end: number, lineNo: number): void {
    this.lineNo = lineNo
    if (start === end) return
    const c = buf[start]
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42)
      return this.costLine(buf, start, end)
    if (this.call) throw this.error('a calls= line must be followed by its cost line')
    if (c === 35 /* # */) return
    let p = start
    while (p < end && buf[p] !== 61 /* = */ && buf[p] !== 58 /* : */) p++
    if (p === end) throw this.error(`unrecognised line '${text(buf, start, end)}'`)
    if (buf[p] === 61) return this.specLine(specKey(buf, start, p), buf, p + 1, end)
    const key = ascii(buf, start, p)
    let v = p + 1
    while (v < end && buf[v] === 32) v++
    this.headerLine(key, text(buf, v, end))
  }

  private specLine(key: SpecKey, buf: Uint8Array, start: number, end: number): void {
    switch (key) {
      case 'ob':
        this.ob = this.objects.resolve(buf, start, end)
        return
      case 'fl':
      case 'fi':
      case 'fe':
        // Code inlined from another file (fi/fe) still costs the current function.
        this.file = this.files.resolve(buf, start, end)
        return
      case 'fn':
        this.fn = this.functions.resolve(buf, start, end)
        this.fnOb = this.ob
        this.fnFile = this.file
        this.self = undefined
        return
      case 'cob':
        this.cob = this.objects.resolve(buf, start, end)
        return
      case 'cfi':
      case 'cfl':
        this.cfl = this.files.resolve(buf, start, end)
        return
      case 'cfn':
        this.cfn = this.functions.resolve(buf, start, end)
        return
      case 'calls':
        return this.callsLine(buf, start, end)
      default:
        // jump=, jcnd= (--collect-jumps) and unknown specifications carry no cost of ours.
        return
    }
  }

  private callsLine(buf: Uint8Array, start: number, end: number): void {
    const count = this.number(buf, start, end)
    if (count < 0) throw this.error('bad call count in calls= line')
    if (this.fn < 0 || this.cfn < 0)
      throw this.error('calls= line without a fn= and cfn= before it')
    const part = this.ensurePart()
    const caller = this.frame(part, this.fnOb, this.fnFile, this.fn)
    const callee = this.frame(
      part,
      this.cob >= 0 ? this.cob : this.ob,
      this.cfl >= 0 ? this.cfl : this.file,
      this.cfn,
    )
    this.call = part.graph.edge(caller, callee)
    this.callCount = count
    // cob, cfi/cfl and cfn name the target of this one call only.
    this.cob = this.cfl = this.cfn = -1
  }

  private costLine(buf: Uint8Array, start: number, end: number): void {
    const costs = this.costs
    let p = start
    for (let k = 0; k < this.positions; k++) {
      const c = buf[p]
      if (c === 42 /* * */) p++
      else {
        if (c === 43 || c === 45) p++
        if (this.number(buf, p, end) < 0) {
          throw this.error(`bad position in '${text(buf, start, end)}'`)
        }
        p = this.at
      }
      if (p < end && buf[p] !== 32 && buf[p] !== 9) {
        throw this.error(`bad position in '${text(buf, start, end)}'`)
      }
      while (p < end && (buf[p] === 32 || buf[p] === 9)) p++
    }
    costs.fill(0)
    for (let e = 0; p < end && e < costs.length; e++) {
      const value = this.number(buf, p, end)
      if (value < 0) throw this.error(`bad cost in '${text(buf, start, end)}'`)
      costs[e] = value
      p = this.at
      while (p < end && (buf[p] === 32 || buf[p] === 9)) p++
    }
    const call = this.call
    if (call) {
      this.call = undefined
      const total = call.total
      for (let e = 0; e < costs.length; e++) total[e] += costs[e]
      call.calls = (call.calls ?? 0) + this.callCount
      return
    }
    let self = this.self
    if (!self) {
      if (this.fn < 0) throw this.error('cost line before any fn= line')
      const part = this.ensurePart()
      self = this.self = part.graph.node(this.frame(part, this.fnOb, this.fnFile, this.fn)).self
    }
    for (let e = 0; e < costs.length; e++) self[e] += costs[e]
  }

  private headerLine(key: string, value: string): void {
    switch (key) {
      case 'part':
        this.finishPart()
        return
      case 'events': {
        this.finishPart()
        this.events = value.split(/\s+/).filter((s) => s !== '')
        if (this.events.length === 0) throw this.error('events: line names no event')
        this.costs = new Float64Array(this.events.length)
        return
      }
      case 'event': {
        // event: <name> [= <formula>] [: <long name>]; a long name may state a unit.
        const [head, ...long] = value.split(':')
        const name = head.split('=')[0].trim()
        this.eventUnits.set(name, eventUnit(name, long.join(':').trim()))
        return
      }
      case 'positions': {
        const kinds = value.split(/\s+/).filter((s) => s !== '')
        if (kinds.length === 0 || kinds.some((k) => k !== 'line' && k !== 'instr')) {
          throw this.error(`unsupported positions: '${value}'`)
        }
        this.finishPart()
        this.positions = kinds.length
        return
      }
      case 'summary':
      case 'totals':
        this.stated(key, value)
        return
      case 'cmd':
        this.name = value.trim()
        return
      case 'desc':
        this.comments.push(value)
        return
      default:
        // version, creator, pid, thread, timeframe, … describe the run and carry no cost.
        return
    }
  }

  private stated(key: string, value: string): void {
    const values = value
      .trim()
      .split(/\s+/)
      .map((s) => Number(s))
    if (values.some((v) => !Number.isFinite(v))) throw this.error(`bad ${key}: line`)
    const target = this.part ? this.part.stated : this.pendingStated
    target.push({ key, values })
  }

  private ensurePart(): Part {
    if (this.part) return this.part
    if (this.events.length === 0) throw this.error('cost data before the events: line')
    const metrics = this.events.map((name) => ({
      name,
      unit: this.eventUnits.get(name) ?? eventUnit(name),
    }))
    this.part = {
      metrics,
      graph: new GraphBuilder(metrics.length),
      functionOf: new Int32Array(1024),
      firstOb: new Int32Array(1024),
      firstFl: new Int32Array(1024),
      otherFunctions: new Map(),
      triples: [],
      stated: this.pendingStated,
    }
    this.pendingStated = []
    return this.part
  }

  /** The index, in `part`, of the function `fn` of file `fl` in object `ob`. */
  private frame(part: Part, ob: number, fl: number, fn: number): number {
    // Typed arrays, not a string key: this runs for every calls= line.
    if (fn >= part.functionOf.length) {
      const size = Math.max(fn + 1, part.functionOf.length * 2)
      part.functionOf = grown(part.functionOf, size)
      part.firstOb = grown(part.firstOb, size)
      part.firstFl = grown(part.firstFl, size)
    }
    const first = part.functionOf[fn] - 1
    if (first >= 0 && part.firstOb[fn] === ob && part.firstFl[fn] === fl) return first
    const key = `${ob},${fl},${fn}`
    let id = first < 0 ? undefined : part.otherFunctions.get(key)
    if (id === undefined) {
      id = part.triples.push(ob, fl, fn) / 3 - 1
      if (first < 0) {
        part.functionOf[fn] = id + 1
        part.firstOb[fn] = ob
        part.firstFl[fn] = fl
      } else part.otherFunctions.set(key, id)
    }
    return id
  }

  /**
   * The part's frames, and its graph keyed by frame id. Functions whose names turn out equal
   * (an id defined late with a name already in use) are merged.
   */
  private named(part: Part): { frames: FrameTable; graph: CallGraph } {
    const frames = new FrameTable()
    const t = part.triples
    const frameOf: number[] = []
    for (let i = 0; i < t.length; i += 3) {
      frameOf.push(
        frames.intern({
          name: this.functions.name(t[i + 2])!,
          file: known(this.files.name(t[i + 1])),
          module: known(this.objects.name(t[i])),
        }),
      )
    }
    const graph = part.graph.finish()
    // The usual case: the graph's keys are already the frame ids.
    if (frameOf.every((f, i) => f === i)) return { frames, graph }
    const merged = new GraphBuilder(part.metrics.length)
    for (const node of graph.nodes) addInto(merged.node(frameOf[node.frame]).self, node.self)
    for (const edge of graph.edges) {
      const into = merged.edge(frameOf[edge.caller], frameOf[edge.callee])
      addInto(into.total, edge.total)
      if (edge.calls !== undefined) into.calls = (into.calls ?? 0) + edge.calls
    }
    return { frames, graph: merged.finish() }
  }

  private finishPart(): void {
    const part = this.part
    // A summary: line after the last part belongs to it (callgrind writes totals: at the end).
    if (!part) return
    this.part = undefined
    this.self = undefined
    part.stated.push(...this.pendingStated)
    this.pendingStated = []
    const M = part.metrics.length
    const { frames, graph } = this.named(part)
    for (const edge of graph.edges) {
      // calls=0 is how go tool pprof (and profconv) write "count unknown".
      if (edge.calls === 0) delete edge.calls
    }
    const meta = newMeta('callgrind')
    if (this.name) meta.name = this.name
    meta.comments.push(...this.comments)
    const { notes } = functionTotals(graph, M)
    meta.notes.push(...notes)
    const sums = new Array<number>(M).fill(0)
    for (const node of graph.nodes) node.self.forEach((v, m) => (sums[m] += v))
    // totals: is the sum of the costs; callgrind's summary: may count a little more.
    const stated = part.stated.filter((s) => s.key === 'totals')
    for (const { key, values } of stated.length > 0 ? stated : part.stated) {
      const differ = part.metrics.filter((_, m) => values[m] !== undefined && values[m] !== sums[m])
      if (differ.length > 0) {
        meta.notes.push(
          `the file's ${key}: line (${values.join(' ')}) differs from the sum of its costs ` +
            `(${sums.join(' ')}); the costs were kept`,
        )
      }
    }
    const undefinedIds =
      this.objects.undefinedIds + this.files.undefinedIds + this.functions.undefinedIds
    if (undefinedIds > 0) {
      meta.notes.push(`${undefinedIds} compressed names were used but never defined; shown as (id)`)
    }
    this.profiles.push({ metrics: part.metrics, defaultMetric: 0, frames, graph, meta })
  }

  /** Where the last `number` ended. */
  private at = 0

  /**
   * The decimal or `0x` hexadecimal number at `buf[p..end)`, or -1 when there is none; `at`
   * is left just after it. (No allocation: this runs for every figure of every cost line.)
   */
  private number(buf: Uint8Array, p: number, end: number): number {
    let value = 0
    const from = p
    if (buf[p] === 48 && (buf[p + 1] === 120 || buf[p + 1] === 88) && p + 2 < end) {
      p += 2
      const digits = p
      for (; p < end; p++) {
        const c = buf[p] | 0x20
        const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1
        if (d < 0) break
        value = value * 16 + d
      }
      this.at = p
      return p > digits && value !== Infinity ? value : -1
    }
    for (; p < end; p++) {
      const d = buf[p] - 48
      if (d < 0 || d > 9) break
      value = value * 10 + d
    }
    this.at = p
    // Hundreds of digits overflow a double: an error, never an infinite cost.
    return p > from && value !== Infinity ? value : -1
  }

  private error(reason: string): ProfconvError {
    return new ProfconvError('callgrind', reason, { line: this.lineNo })
  }
}

function known(name: string | undefined): string | undefined {
  return name === undefined || name === UNKNOWN_NAME ? undefined : name
}

const SPEC_KEYS = ['ob', 'fl', 'fi', 'fe', 'fn', 'cob', 'cfi', 'cfl', 'cfn', 'calls'] as const
type SpecKey = (typeof SPEC_KEYS)[number] | 'other'

/**
 * The key of a `key=value` line as one of the known constants, compared byte by byte: no
 * string is built for the millions of fn=, cfn= and calls= lines of a big file.
 */
function specKey(buf: Uint8Array, start: number, end: number): SpecKey {
  next: for (const key of SPEC_KEYS) {
    if (key.length !== end - start) continue
    for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) !== buf[start + i]) continue next
    return key
  }
  return 'other'
}

function grown(a: Int32Array, size: number): Int32Array {
  const out = new Int32Array(size)
  out.set(a)
  return out
}

function ascii(buf: Uint8Array, start: number, end: number): string {
  let s = ''
  for (let p = start; p < end; p++) s += String.fromCharCode(buf[p])
  return s
}

function text(buf: Uint8Array, start: number, end: number): string {
  return utf8.decode(buf.subarray(start, Math.min(end, start + 200)))
}

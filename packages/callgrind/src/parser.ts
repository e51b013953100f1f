import { FrameTable, ProfconvError, newMeta, type Metric, type Profile } from '@profconv/model'
import { CostGraph, FunctionIndex } from './cost-graph.js'
import { CYCLE_NOTE, functionTotals } from './inclusive.js'
import { WholeLines } from './whole-lines.js'
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
  graph: CostGraph
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
  private readonly input = new WholeLines((buf, start, end) => this.lines(buf, start, end))
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
  /** The current function's index in `part.graph`, or -1 until a cost or call needs it. */
  private fnIndex = -1
  /** Set by a `calls=` line: the next cost line is the inclusive cost of this arc, or -1. */
  private callArc = -1
  private callCount = 0
  /** The figures of the cost line being read, one per event. */
  private costs = new Float64Array(0)

  push(chunk: Uint8Array): void {
    this.input.push(chunk)
  }

  end(): Profile[] {
    this.input.end()
    if (this.callArc >= 0)
      throw this.error('the file ends after a calls= line without its cost line')
    this.finishPart()
    if (this.profiles.length === 0)
      throw new ProfconvError(
        'callgrind',
        'no profile data: the input has no events: line and no costs',
      )
    return this.profiles
  }

  /** The number of the line being read (1-based). */
  private lineNo = 0

  /**
   * Reads the whole lines of `buf[p..end)` (`buf[end - 1]` is a newline). Most lines of a big
   * file are plain cost lines: `fastCostLine` reads them as it scans their bytes. Every other
   * line is cut at its newline and handed to `line`.
   */
  private lines(buf: Uint8Array, p: number, end: number): void {
    while (p < end) {
      const c = buf[p]
      const next = isCostLineStart(c)
        ? this.fastCostLine(buf, p)
        : c === 99 /* c */ || c === 102 /* f */
          ? this.fastSpecLine(buf, p)
          : -1
      if (next >= 0) {
        p = next
        continue
      }
      if (c === 10) {
        // A blank line (callgrind ends each function's block with one): nothing to read.
        this.lineNo++
        p++
        continue
      }
      let nl = p
      while (buf[nl] !== 10) nl++
      this.lineNo++
      this.line(buf, p, nl > p && buf[nl - 1] === 13 ? nl - 1 : nl)
      p = nl + 1
    }
  }

  /**
   * The common cost line, read in one pass over its bytes: decimal positions (`12`, `+3`, `-1`,
   * `*`) and decimal costs, separated by blanks and ended by `\n`; its costs are added at once.
   * Returns where the next line starts, or -1 for any other shape (hex, CR, a malformed figure,
   * more costs than events), which `line` then reads with every check and error message.
   * Nothing is changed before the line is known to be plain, so the fallback starts afresh.
   */
  private fastCostLine(buf: Uint8Array, p: number): number {
    const costs = this.costs
    let c = buf[p]
    for (let k = 0; k < this.positions; k++) {
      if (k > 0) {
        if (c !== 32 && c !== 9) return -1
        do c = buf[++p]
        while (c === 32 || c === 9)
      }
      if (c === 42 /* * */) {
        c = buf[++p]
        continue
      }
      if (c === 43 /* + */ || c === 45 /* - */) c = buf[++p]
      if (c < 48 || c > 57) return -1
      do c = buf[++p]
      while (c >= 48 && c <= 57)
    }
    let e = 0
    while (c !== 10) {
      if (c !== 32 && c !== 9) return -1
      do c = buf[++p]
      while (c === 32 || c === 9)
      if (c === 10) break
      if (c < 48 || c > 57 || e === costs.length) return -1
      let value = c - 48
      for (c = buf[++p]; c >= 48 && c <= 57; c = buf[++p]) value = value * 10 + (c - 48)
      // Hundreds of digits overflow a double: the full reader reports it.
      if (value === Infinity) return -1
      costs[e++] = value
    }
    for (; e < costs.length; e++) costs[e] = 0
    this.lineNo++
    this.addCosts()
    return p + 1
  }

  /**
   * The common name and call lines, read in one pass over their bytes: a reference to a
   * compressed name seen before (`fn=(12)`, `cfi=(3)`, …) and `calls=<count> <target>`. Returns
   * where the next line starts, or -1 for anything else (a name's definition, a plain name, hex,
   * CR), which `line` then reads; nothing is changed before the line is known to be plain.
   */
  private fastSpecLine(buf: Uint8Array, p: number): number {
    if (this.callArc >= 0) return -1 // an error: let `line` report it
    let eq = p
    let c: number
    do c = buf[++eq]
    while (c >= 97 && c <= 122) // a-z: the key; the line's newline stops this too
    if (c !== 61 /* = */) return -1
    const key = specKey(buf, p, eq)
    if (key === SpecKey.other) return -1
    p = eq + 1
    c = buf[p]
    if (key === SpecKey.calls) {
      if (c < 48 || c > 57) return -1
      let count = c - 48
      for (c = buf[++p]; c >= 48 && c <= 57; c = buf[++p]) count = count * 10 + (c - 48)
      if ((c !== 32 && c !== 9 && c !== 10) || count === Infinity) return -1
      // The target position after the count is not needed.
      while (c !== 10) c = buf[++p]
      this.lineNo++
      this.callsLine(count)
      return p + 1
    }
    if (c !== 40 /* ( */) return -1
    c = buf[++p]
    if (c < 48 || c > 57) return -1
    let id = c - 48
    for (c = buf[++p]; c >= 48 && c <= 57; c = buf[++p]) id = id * 10 + (c - 48)
    if (c !== 41 /* ) */ || buf[p + 1] !== 10) return -1
    const slot = this.names(key).knownSlot(id)
    if (slot < 0) return -1
    this.lineNo++
    this.setName(key, slot)
    return p + 2
  }

  private line(buf: Uint8Array, start: number, end: number): void {
    if (this.lineNo === 1 && buf[start] === 0xef && buf[start + 1] === 0xbb) {
      if (buf[start + 2] === 0xbf) start += 3 // a UTF-8 byte-order mark
    }
    if (start === end) return
    const c = buf[start]
    if (isCostLineStart(c)) return this.costLine(buf, start, end)
    if (this.callArc >= 0) throw this.error('a calls= line must be followed by its cost line')
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
    if (key === SpecKey.calls) {
      const count = this.number(buf, start, end)
      if (count < 0) throw this.error('bad call count in calls= line')
      return this.callsLine(count)
    }
    // jump=, jcnd= (--collect-jumps) and unknown specifications carry no cost of ours.
    if (key !== SpecKey.other) this.setName(key, this.names(key).resolve(buf, start, end))
  }

  /** The name table of a name line's kind: objects, files or functions. */
  private names(key: SpecKey): NameTable {
    return key === SpecKey.ob || key === SpecKey.cob
      ? this.objects
      : key === SpecKey.fl || key === SpecKey.cfl
        ? this.files
        : this.functions
  }

  /** Applies a name line: `slot` is the name's slot in its table. */
  private setName(key: SpecKey, slot: number): void {
    switch (key) {
      case SpecKey.ob:
        this.ob = slot
        return
      case SpecKey.fl:
        // Code inlined from another file (fi/fe) still costs the current function.
        this.file = slot
        return
      case SpecKey.fn:
        this.fn = slot
        this.fnOb = this.ob
        this.fnFile = this.file
        this.fnIndex = -1
        return
      case SpecKey.cob:
        this.cob = slot
        return
      case SpecKey.cfl:
        this.cfl = slot
        return
      case SpecKey.cfn:
        this.cfn = slot
        return
    }
  }

  /** A `calls=` line: the next cost line is the inclusive cost of `count` calls to `cfn`. */
  private callsLine(count: number): void {
    if (this.fn < 0 || this.cfn < 0)
      throw this.error('calls= line without a fn= and cfn= before it')
    const graph = this.ensurePart().graph
    const caller = this.currentFunction(graph)
    this.callArc = graph.call(
      caller,
      this.cob >= 0 ? this.cob : this.ob,
      this.cfl >= 0 ? this.cfl : this.file,
      this.cfn,
    )
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
    this.addCosts()
  }

  /** The index of the current function (named with the object and file of its fn= line). */
  private currentFunction(graph: CostGraph): number {
    if (this.fnIndex < 0) this.fnIndex = graph.function(this.fnOb, this.fnFile, this.fn)
    return this.fnIndex
  }

  /** Adds the cost line's `costs` to the arc of the `calls=` line before it, else to self. */
  private addCosts(): void {
    const costs = this.costs
    const M = costs.length
    if (this.callArc >= 0) {
      const graph = this.part!.graph
      const total = graph.arcTotal
      const at = this.callArc * M
      for (let e = 0; e < M; e++) total[at + e] += costs[e]
      graph.arcCalls[this.callArc] += this.callCount
      this.callArc = -1
      return
    }
    if (this.fn < 0) throw this.error('cost line before any fn= line')
    const graph = this.ensurePart().graph
    const at = this.currentFunction(graph) * M
    const self = graph.self // after adding the function: that may have grown the array
    for (let e = 0; e < M; e++) self[at + e] += costs[e]
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
      graph: new CostGraph(metrics.length),
      stated: this.pendingStated,
    }
    this.pendingStated = []
    return this.part
  }

  /**
   * The part's frames, and its graph with function `f` as frame `f`. Functions whose names turn
   * out equal (an id defined late with a name already in use, `???` for an object or file
   * where another function has none) are merged.
   */
  private named(part: Part): { frames: FrameTable; graph: CostGraph } {
    // Functions are distinct slot triples; they are distinct frames unless two slots of a table
    // share a name. Triples read through `sameNameSlots` are distinct exactly when the frames
    // are, so each new one is added to the table without the key string `intern` would make.
    const objects = this.objects.sameNameSlots(UNKNOWN_NAME)
    const files = this.files.sameNameSlots(UNKNOWN_NAME)
    const functions = this.functions.sameNameSlots()
    const distinct = new FunctionIndex()
    const frames = new FrameTable()
    const frameOf = new Int32Array(part.graph.functionCount)
    let identity = true
    for (let f = 0; f < frameOf.length; f++) {
      const ob = part.graph.functions.ob(f)
      const fl = part.graph.functions.fl(f)
      const fn = part.graph.functions.fn(f)
      const id = distinct.indexOf(ob < 0 ? -1 : objects[ob], fl < 0 ? -1 : files[fl], functions[fn])
      if (id === frames.length) {
        frames.add({
          name: this.functions.name(fn)!,
          file: known(this.files.name(fl)),
          module: known(this.objects.name(ob)),
        })
      }
      frameOf[f] = id
      if (id !== f) identity = false
    }
    // The usual case: the function indices are already the frame ids.
    return { frames, graph: identity ? part.graph : part.graph.merged(frameOf) }
  }

  private finishPart(): void {
    const part = this.part
    // A summary: line after the last part belongs to it (callgrind writes totals: at the end).
    if (!part) return
    this.part = undefined
    this.fnIndex = -1
    part.stated.push(...this.pendingStated)
    this.pendingStated = []
    const { frames, graph: costs } = this.named(part)
    const meta = newMeta('callgrind')
    if (this.name) meta.name = this.name
    meta.comments.push(...this.comments)
    const totals = functionTotals(costs)
    if (totals.cycles) meta.notes.push(CYCLE_NOTE)
    const graph = costs.toCallGraph(totals)
    const sums = Array.from(totals.program)
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

/** The `key=value` lines that matter; fi/fe read as fl, and cfi as cfl (the same name kind). */
const enum SpecKey {
  other,
  ob,
  fl,
  fn,
  cob,
  cfl,
  cfn,
  calls,
}

/**
 * The key of a `key=value` line, compared byte by byte: no string (nor closure) is made for the
 * millions of fn=, cfn= and calls= lines of a big file. The `c` of `cob`, `cfi`, `cfl`, `cfn`
 * marks the target of a call; what follows names the kind as in `ob`, `fi`, `fl`, `fn`.
 */
function specKey(buf: Uint8Array, start: number, end: number): SpecKey {
  const length = end - start
  if (length === 5) return keyIs(buf, start, 'calls') ? SpecKey.calls : SpecKey.other
  const call = length === 3 && buf[start] === 99 /* c */
  if (length !== 2 && !call) return SpecKey.other
  const a = buf[end - 2]
  const b = buf[end - 1]
  let kind = SpecKey.other
  if (a === 102 /* f */) {
    if (b === 110 /* n */) kind = SpecKey.fn
    else if (b === 108 /* l */ || b === 105 /* i */ || (b === 101 /* e */ && !call))
      kind = SpecKey.fl
  } else if (a === 111 /* o */ && b === 98 /* b */) kind = SpecKey.ob
  if (!call) return kind
  return kind === SpecKey.fn
    ? SpecKey.cfn
    : kind === SpecKey.fl
      ? SpecKey.cfl
      : kind === SpecKey.ob
        ? SpecKey.cob
        : SpecKey.other
}

function keyIs(buf: Uint8Array, start: number, key: string): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) !== buf[start + i]) return false
  return true
}

/** Whether a line starting with byte `c` is a cost line: a position, `+N`, `-N` or `*`. */
function isCostLineStart(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42
}

function ascii(buf: Uint8Array, start: number, end: number): string {
  let s = ''
  for (let p = start; p < end; p++) s += String.fromCharCode(buf[p])
  return s
}

function text(buf: Uint8Array, start: number, end: number): string {
  return utf8.decode(buf.subarray(start, Math.min(end, start + 200)))
}

import {
  CYCLE_POOLED_NOTE,
  FrameTable,
  PositionBuilder,
  ProfconvError,
  checkPositionColumns,
  newMeta,
  remapPositions,
  type Metric,
  type PositionDetail,
  type Profile,
} from '@profconv/model'
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
  /** Self rows and call sites by position, when positions are kept (function and file slots). */
  detail: PositionBuilder | undefined
  /** Per function, the number of its last fn= line (in the file's order), with `detail`. */
  lastBlock: Int32Array | undefined
}

function grownInt32(a: Int32Array, size: number): Int32Array {
  const out = new Int32Array(size)
  out.set(a)
  return out
}

/** 2^32, to split an address into the halves the model keeps. */
const TWO_32 = 4294967296

/**
 * A streaming reader of the callgrind format (valgrind's "Callgrind Format Specification"):
 * `push` chunks of bytes, then `end` for one `Profile` per part. Memory grows with the number
 * of functions and call arcs, never with the size of the input: cost lines are parsed straight
 * from the bytes and summed at once.
 */
export class CallgrindParser {
  /**
   * @param keepPositions - keep each cost's position (line, instruction address, inlined file)
   *   as `Profile.positions`; without it costs are summed per function only, a little faster.
   */
  constructor(private readonly keepPositions = true) {}

  private readonly input = new WholeLines((buf, start, end) => this.lines(buf, start, end))
  private readonly objects = new NameTable()
  private readonly files = new NameTable()
  private readonly functions = new NameTable()
  private readonly profiles: Profile[] = []

  // Header state; it carries over from one part to the next unless a part restates it.
  private positions = 1
  /** Which position column holds the line and which the instruction address (-1: none). */
  private lineColumn = 0
  private instrColumn = -1
  /**
   * The positions of the last cost line, per column: the base of `+N`, `-N` and `*` (call
   * targets of `calls=` lines do not move it, as in callgrind_annotate).
   */
  private readonly base = new Float64Array(2)
  /** The positions of the cost line being read. */
  private readonly pos = new Float64Array(2)
  /** `jump=` and `jcnd=` lines seen in the part (dropped, with a note). */
  private jumps = 0
  /** Whether a cost line gave a trailing zero figure (kept as `PositionDetail.fullLines`). */
  private fullLines = false
  /** fn= lines seen, numbering `Part.lastBlock`. */
  private blocks = 0
  private events: string[] = []
  /** Units stated by `event:` lines (`event: time : time [nanoseconds]`), by event name. */
  private readonly eventUnits = new Map<string, string>()
  private name: string | undefined
  private comments: string[] = []
  private pendingStated: Part['stated'] = []
  /** The `creator:` line: `callgrind-3.19.0` for valgrind's, which ends every part with `totals:`. */
  private creator = ''
  /** A `part:` line was read and no cost of that part yet. */
  private partLine = false

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
    // A file whose events: line is followed by no cost (a part dumped before anything ran) is
    // a profile of nothing, as callgrind_annotate reads it: its totals are zero.
    if (this.profiles.length === 0 && !this.part && this.events.length > 0) this.ensurePart()
    // Valgrind's file cut in the header of its next part: said on the last part read.
    if (this.partLine && !this.part && this.profiles.length > 0 && this.byValgrind())
      this.profiles[this.profiles.length - 1].meta.notes.push(
        `the file looks cut short: it ends in the header of part ${this.profiles.length + 1}, before any of its costs`,
      )
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
    const pos = this.pos
    for (let k = 0; k < this.positions; k++) {
      if (k > 0) {
        if (c !== 32 && c !== 9) return -1
        do c = buf[++p]
        while (c === 32 || c === 9)
      }
      if (c === 42 /* * */) {
        pos[k] = this.base[k]
        c = buf[++p]
        continue
      }
      const sign = c === 43 /* + */ ? 1 : c === 45 /* - */ ? -1 : 0
      if (sign !== 0) c = buf[++p]
      if (c < 48 || c > 57) return -1
      let value = c - 48
      for (c = buf[++p]; c >= 48 && c <= 57; c = buf[++p]) value = value * 10 + (c - 48)
      pos[k] = sign === 0 ? value : this.base[k] + sign * value
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
    // A last figure of 0 given: the file writes cost lines in full (cachegrind does).
    if (e === costs.length && e > 1 && costs[e - 1] === 0) this.fullLines = true
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
    if (buf[p] === 61) {
      const key = specKey(buf, start, p)
      if (key === SpecKey.other) return this.otherSpecLine(buf, start, p, end)
      return this.specLine(key, buf, p + 1, end)
    }
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
    if (key !== SpecKey.other) this.setName(key, this.names(key).resolve(buf, start, end))
  }

  /**
   * A `key=value` line of no kind `specKey` knows: `jump=`/`jcnd=` (--collect-jumps) are
   * counted and dropped; `jfi=`/`jfn=` name the target of a jump, which may define a
   * compressed name later lines use; anything else carries no cost of ours.
   */
  private otherSpecLine(buf: Uint8Array, start: number, eq: number, end: number): void {
    if (eq - start === 4 && (keyIs(buf, start, 'jump') || keyIs(buf, start, 'jcnd'))) {
      this.jumps++
    } else if (eq - start === 3 && keyIs(buf, start, 'jfi')) {
      this.files.resolve(buf, eq + 1, end)
    } else if (eq - start === 3 && keyIs(buf, start, 'jfn')) {
      this.functions.resolve(buf, eq + 1, end)
    }
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
        // A function is kept even if no cost follows (yappi declares every function first).
        if (this.events.length > 0) {
          const part = this.ensurePart()
          const f = this.currentFunction(part.graph)
          if (part.lastBlock) {
            if (f >= part.lastBlock.length) part.lastBlock = grownInt32(part.lastBlock, 2 * f + 2)
            part.lastBlock[f] = ++this.blocks
          }
        }
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
      if (c === 42 /* * */) {
        this.pos[k] = this.base[k]
        p++
      } else {
        const sign = c === 43 ? 1 : c === 45 ? -1 : 0
        if (sign !== 0) p++
        const value = this.number(buf, p, end)
        if (value < 0) {
          throw this.error(`bad position in '${text(buf, start, end)}'`)
        }
        this.pos[k] = sign === 0 ? value : this.base[k] + sign * value
        p = this.at
      }
      if (p < end && buf[p] !== 32 && buf[p] !== 9) {
        throw this.error(`bad position in '${text(buf, start, end)}'`)
      }
      while (p < end && (buf[p] === 32 || buf[p] === 9)) p++
    }
    costs.fill(0)
    let e = 0
    for (; p < end && e < costs.length; e++) {
      const value = this.number(buf, p, end)
      if (value < 0) throw this.error(`bad cost in '${text(buf, start, end)}'`)
      costs[e] = value
      p = this.at
      while (p < end && (buf[p] === 32 || buf[p] === 9)) p++
    }
    if (e === costs.length && e > 1 && costs[e - 1] === 0) this.fullLines = true
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
      if (this.part!.detail) this.addPosition(this.part!.detail, graph.arcCallee[this.callArc])
      this.moveBase()
      this.callArc = -1
      return
    }
    if (this.fn < 0) throw this.error('cost line before any fn= line')
    const part = this.ensurePart()
    const graph = part.graph
    const at = this.currentFunction(graph) * M
    const self = graph.self // after adding the function: that may have grown the array
    for (let e = 0; e < M; e++) self[at + e] += costs[e]
    if (part.detail) this.addPosition(part.detail, -1)
    this.moveBase()
  }

  /** The cost line's positions become the base of the next relative ones. */
  private moveBase(): void {
    this.base[0] = this.pos[0]
    this.base[1] = this.pos[1]
  }

  /**
   * Adds the cost line at its position: to the current function's self row, or (`callee` ≥ 0)
   * to the call site of the arc to `callee`.
   */
  private addPosition(detail: PositionBuilder, callee: number): void {
    const line = this.lineColumn < 0 ? 0 : this.pos[this.lineColumn]
    const address = this.instrColumn < 0 ? 0 : this.pos[this.instrColumn]
    if (line < 0 || line > 0x7fffffff || address < 0 || address > Number.MAX_SAFE_INTEGER)
      throw this.error(`position out of range (line ${line}, address ${address})`)
    const hi = Math.floor(address / TWO_32)
    const lo = address >>> 0
    const fn = this.fnIndex
    if (callee < 0) detail.addSelf(fn, this.file, line, hi, lo, this.costs)
    else detail.addSite(fn, callee, this.file, line, hi, lo, this.costs, 0, this.callCount)
  }

  private headerLine(key: string, value: string): void {
    switch (key) {
      case 'part':
        this.finishPart()
        this.partLine = true
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
        this.lineColumn = kinds.indexOf('line')
        this.instrColumn = kinds.indexOf('instr')
        return
      }
      case 'summary':
      case 'totals':
        this.stated(key, value)
        return
      case 'cmd':
        this.name = value.trim()
        return
      case 'creator':
        this.creator = value.trim()
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
    this.partLine = false
    this.part = {
      metrics,
      graph: new CostGraph(metrics.length),
      stated: this.pendingStated,
      detail: this.keepPositions ? new PositionBuilder(metrics.length) : undefined,
      lastBlock: this.keepPositions ? new Int32Array(256) : undefined,
    }
    this.pendingStated = []
    return this.part
  }

  /**
   * The part's frame ids: function `f` is frame `frameOf[f]` (`frameOf` left out when it is
   * `f`), and frame `i` is named as function `firstOf[i]`; the graph with frames for functions.
   * Functions whose names turn out equal (an id defined late with a name already in use, `???`
   * for an object or file where another function has none) are merged.
   */
  private frameIds(part: Part): { firstOf: Int32Array; graph: CostGraph; frameOf?: Int32Array } {
    // Functions are distinct slot triples; they are distinct frames unless two slots of a table
    // share a name. Triples read through `sameNameSlots` are distinct exactly when the frames
    // are, so each is numbered without the key string `intern` would make.
    const objects = this.objects.sameNameSlots(UNKNOWN_NAME)
    const files = this.files.sameNameSlots(UNKNOWN_NAME)
    const functions = this.functions.sameNameSlots()
    const distinct = new FunctionIndex()
    const functionCount = part.graph.functionCount
    const frameOf = new Int32Array(functionCount)
    const firstOf = new Int32Array(functionCount)
    let identity = true
    for (let f = 0; f < functionCount; f++) {
      const ob = part.graph.functions.ob(f)
      const fl = part.graph.functions.fl(f)
      const fn = part.graph.functions.fn(f)
      const known = distinct.count
      const id = distinct.indexOf(ob < 0 ? -1 : objects[ob], fl < 0 ? -1 : files[fl], functions[fn])
      if (id === known) firstOf[id] = f
      frameOf[f] = id
      if (id !== f) identity = false
    }
    // The usual case: the function indices are already the frame ids.
    if (identity) return { firstOf, graph: part.graph }
    return {
      firstOf: firstOf.subarray(0, distinct.count),
      graph: part.graph.merged(frameOf),
      frameOf,
    }
  }

  /** The frames of `frameIds`, named (the part's only objects per function, made last). */
  private frames(part: Part, firstOf: Int32Array): FrameTable {
    const frames = new FrameTable()
    for (let i = 0; i < firstOf.length; i++) {
      const f = firstOf[i]
      frames.add({
        name: this.functions.name(part.graph.functions.fn(f))!,
        file: known(this.files.name(part.graph.functions.fl(f))),
        module: known(this.objects.name(part.graph.functions.ob(f))),
      })
    }
    return frames
  }

  private finishPart(): void {
    const part = this.part
    // A summary: line after the last part belongs to it (callgrind writes totals: at the end).
    if (!part) return
    this.part = undefined
    this.fnIndex = -1
    part.stated.push(...this.pendingStated)
    this.pendingStated = []
    // Typed arrays first, objects (frames, nodes) last: a big array made while the heap holds
    // many objects makes the garbage collector walk them all.
    const { firstOf, graph: costs, frameOf } = this.frameIds(part)
    const meta = newMeta('callgrind')
    if (this.name) meta.name = this.name
    meta.comments.push(...this.comments)
    const totals = functionTotals(costs)
    if (totals.cycles) meta.notes.push(CYCLE_NOTE)
    if (totals.pooled) meta.notes.push(CYCLE_POOLED_NOTE)
    const edges = costs.edgeColumns()
    let positions: PositionDetail | undefined
    if (part.detail) {
      positions = this.positionsOf(part.detail, frameOf, part.lastBlock!, firstOf.length)
      const hasNode = new Uint8Array(costs.functionCount).fill(1)
      checkPositionColumns(positions, costs.self, hasNode, edges, 'callgrind')
    }
    const frames = this.frames(part, firstOf)
    const graph = costs.toCallGraph(totals, edges)
    const sums = Array.from(totals.program)
    // totals: is the sum of the costs; callgrind's summary: may count a little more.
    // callgrind_annotate shows the last non-zero summary: as the program total, else totals:.
    const nonZero = (key: string) =>
      part.stated
        .filter((s) => s.key === key && s.values.length === sums.length)
        .filter((s) => s.values.some((v) => v !== 0))
        .pop()
    const program = nonZero('summary') ?? nonZero('totals')
    if (program) meta.totals = program.values
    meta.notes.push(...this.statedNotes(part, sums))
    const undefinedIds =
      this.objects.undefinedIds + this.files.undefinedIds + this.functions.undefinedIds
    if (undefinedIds > 0) {
      meta.notes.push(`${undefinedIds} compressed names were used but never defined; shown as (id)`)
    }
    if (this.jumps > 0) {
      meta.notes.push(
        `${this.jumps} jump=/jcnd= lines (--collect-jumps) were dropped: profconv keeps no jumps`,
      )
      this.jumps = 0
    }
    const profile: Profile = { metrics: part.metrics, defaultMetric: 0, frames, graph, meta }
    if (positions) profile.positions = positions
    this.profiles.push(profile)
  }

  /** Whether valgrind's callgrind wrote the file (`creator: callgrind-3.19.0`). */
  private byValgrind(): boolean {
    return /^callgrind-\d/.test(this.creator)
  }

  /**
   * Notes on the part's `summary:`/`totals:` lines against `sums`, the sums of its costs: a
   * stated figure that differs (`totals:` checked where given, else `summary:`), or no `totals:`
   * where valgrind's callgrind, which ends every part with one, wrote the file: it was cut short.
   */
  private statedNotes(part: Part, sums: number[]): string[] {
    const totals = part.stated.filter((s) => s.key === 'totals')
    if (totals.length === 0 && this.byValgrind()) {
      const summary = part.stated.filter((s) => s.key === 'summary').pop()
      const which = this.profiles.length === 0 ? 'this file' : `part ${this.profiles.length + 1}`
      const said = summary ? `, its summary: line says ${summary.values.join(' ')}` : ''
      return [
        `the file looks cut short: ${this.creator} ends every part with a totals: line and ` +
          `${which} has none (its costs sum to ${sums.join(' ')}${said}): what came after the cut is missing`,
      ]
    }
    const notes: string[] = []
    for (const { key, values } of totals.length > 0 ? totals : part.stated) {
      if (values.some((v, m) => m < sums.length && v !== sums[m]))
        notes.push(
          `the file's ${key}: line (${values.join(' ')}) differs from the sum of its costs ` +
            `(${sums.join(' ')}); the costs were kept`,
        )
    }
    return notes
  }

  /** A part's position detail with frame ids for function indices and file names for slots. */
  private positionsOf(
    detail: PositionBuilder,
    frameOf: Int32Array | undefined,
    lastBlock: Int32Array,
    frameCount: number,
  ) {
    // Frames by their last fn= block (merged functions take the later one): those with no
    // block first, then by block. A block is one function's, so no two frames share one.
    const last = new Int32Array(frameCount)
    for (let f = 0; f < Math.min(lastBlock.length, frameOf?.length ?? frameCount); f++) {
      const frame = frameOf ? frameOf[f] : f
      last[frame] = Math.max(last[frame], lastBlock[f])
    }
    let lastOfAll = 0
    for (let frame = 0; frame < frameCount; frame++) lastOfAll = Math.max(lastOfAll, last[frame])
    const frameOfBlock = new Int32Array(lastOfAll + 1).fill(-1)
    const frameOrder = new Int32Array(frameCount)
    let placed = 0
    for (let frame = 0; frame < frameCount; frame++) {
      if (last[frame] === 0) frameOrder[placed++] = frame
      else frameOfBlock[last[frame]] = frame
    }
    for (const frame of frameOfBlock) if (frame >= 0) frameOrder[placed++] = frame
    const names: string[] = []
    const ids = new Map<string, number>()
    const fileOf = new Int32Array(this.files.size)
    for (let slot = 0; slot < fileOf.length; slot++) {
      const name = known(this.files.name(slot))
      let id = name === undefined ? -1 : ids.get(name)
      if (id === undefined) ids.set(name!, (id = names.push(name!) - 1))
      fileOf[slot] = id
    }
    const fullLines = this.fullLines
    this.fullLines = false
    // The usual case: functions are frames and file slots have distinct names (`???` aside).
    const same = !frameOf && fileOf.every((id, slot) => id === slot || id === -1)
    const unknown = fileOf.indexOf(-1)
    const positions =
      same && unknown < 0
        ? detail.finish(names)
        : remapPositions(detail.finish([]), frameOf, fileOf, names)
    return { ...positions, frameOrder, fullLines }
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

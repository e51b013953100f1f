import {
  FrameTable,
  GraphBuilder,
  ProfconvError,
  newMeta,
  type GraphNode,
  type Metric,
  type Profile,
} from '@profconv/model'
import { parseCallLine, parseFlatRow, type CallLine, type FlatRow } from './lines.js'
import { GRAPH_HEADER } from './sniff.js'

export const FORMAT = 'gprof'

/** A call known only from a callee's parent line, kept until the end tells whether its caller
 * had an entry of its own (then the caller's child line already gave the call). */
interface ParentArc {
  readonly caller: number
  readonly callerName: string
  readonly callee: number
  readonly line: CallLine
}

const BSD_SUBHEADER = /^\s*called\/total\s+(parents|children)\s*$/
const FLAT_TITLE = /^\s*flat profile:\s*$/i
const FLAT_HEADER = /^\s*time\s+seconds\s+seconds\b/
const SAMPLE_PERIOD = /^\s*each sample counts as ([0-9.]+) seconds/i
const SEPARATOR = /^\s*-{3,}\s*$/
/** The title of the index by function name, which GNU and BSD gprof print after a call graph. */
const INDEX_TITLE = /^\s*index by function name\s*$/i
/** `name (12)`: a function gprof lists by where it would be (index by name, mcount). */
const PARENTHESISED = /\(\d+\)$/

type Section = 'none' | 'flat-title' | 'flat' | 'graph'

/**
 * Reads gprof's text report line by line: the flat profile (`gprof -p`), the call graph
 * (`gprof -q`) or both (the default, with or without `-b`), GNU or BSD layout. Explanations,
 * the index by function name and other text around the two tables are skipped.
 */
export class GprofParser {
  private section: Section = 'none'
  private readonly flat: FlatRow[] = []
  private readonly cycles = new Map<number, CallLine>()
  private readonly frames = new FrameTable()
  private readonly graph = new GraphBuilder(1)
  /** Frame id of each call-graph index; which indexes had an entry of their own. */
  private readonly frameOf = new Map<number, number>()
  private readonly entries = new Set<number>()
  /** Every call made so far, as `caller * 2^26 + callee` (frame ids). */
  private readonly calls = new Set<number>()
  private readonly parentArcs: ParentArc[] = []
  /** Members of cycles: their totals are their cycle's, known once the cycle's line is read. */
  private readonly members: { node: GraphNode; cycle: number }[] = []
  private readonly names = new Set<string>()
  private cycleCalls = false
  /** Lines of the call-graph entry being read, and the line number of its first line. */
  private lines: CallLine[] = []
  private entryLine = 0
  private period: number | undefined
  private sawGraph = false
  private sawFlat = false
  private sawIndex = false

  readonly line = (line: string, lineNo: number): void => {
    if (line.startsWith('\f')) {
      this.endGraph(lineNo)
      line = line.slice(1)
    }
    if (this.section === 'graph') {
      if (this.graphLine(line, lineNo)) return
    }
    if (this.section === 'flat') {
      const row = parseFlatRow(line)
      if (row) {
        this.flat.push(row)
        return
      }
      this.section = 'none'
    }
    const period = SAMPLE_PERIOD.exec(line)
    if (period) {
      this.period = Number(period[1])
      return
    }
    if (FLAT_TITLE.test(line)) {
      this.section = 'flat-title'
      this.sawFlat = true
    } else if (this.section === 'flat-title' && FLAT_HEADER.test(line)) {
      this.section = 'flat'
    } else if (GRAPH_HEADER.test(line.trim())) {
      this.section = 'graph'
      this.sawGraph = true
    } else if (INDEX_TITLE.test(line)) {
      this.sawIndex = true
    }
  }

  /** One line inside the call graph; false when the graph has ended before it. */
  private graphLine(line: string, lineNo: number): boolean {
    if (SEPARATOR.test(line)) {
      this.endEntry()
      return true
    }
    const text = line.trim()
    if (text === '' || BSD_SUBHEADER.test(text) || GRAPH_HEADER.test(text)) return true
    const parsed = parseCallLine(line)
    if (parsed) {
      if (this.lines.length === 0) this.entryLine = lineNo
      this.lines.push(parsed)
      return true
    }
    if (PARENTHESISED.test(text)) return true
    if (this.lines.length > 0) {
      throw new ProfconvError(FORMAT, `not a line of a call-graph entry: ${quote(line)}`, {
        line: lineNo,
      })
    }
    // Text after the last entry (an explanation, the index by function name) ends the graph;
    // before the first entry it is a units line such as `(K) (K)`.
    if (this.entries.size > 0 || this.cycles.size > 0) {
      this.endGraph(lineNo)
      return false
    }
    return true
  }

  private endGraph(lineNo: number): void {
    if (this.section !== 'graph') return
    if (this.lines.length > 0) this.endEntry(lineNo)
    this.section = 'none'
  }

  private endEntry(lineNo = this.entryLine): void {
    const lines = this.lines
    this.lines = []
    if (lines.length === 0) return
    const at = lines.findIndex((l) => l.primary !== undefined)
    if (at < 0) {
      throw new ProfconvError(FORMAT, 'a call-graph entry has no primary line `[N] …`', {
        line: lineNo,
      })
    }
    const primary = lines[at]
    if (lines.some((l, i) => i !== at && l.primary !== undefined)) {
      throw new ProfconvError(FORMAT, 'a call-graph entry has two primary lines', {
        line: this.entryLine,
      })
    }
    if (primary.whole) {
      this.cycles.set(primary.cycle!, primary)
      return
    }
    if (primary.index !== undefined && primary.index !== primary.primary) {
      throw new ProfconvError(
        FORMAT,
        `the entry [${primary.primary}] ends with a different index [${primary.index}]`,
        { line: this.entryLine },
      )
    }
    if (this.entries.has(primary.primary!)) {
      throw new ProfconvError(FORMAT, `two call-graph entries [${primary.primary}]`, {
        line: this.entryLine,
      })
    }
    this.entries.add(primary.primary!)
    this.addEntry(
      primary,
      lines.slice(0, at).filter((l) => l.index !== undefined),
      lines.slice(at + 1).filter((l) => l.index !== undefined),
    )
  }

  /** The function of one entry and the calls of its child lines, into the graph. */
  private addEntry(line: CallLine, parents: CallLine[], children: CallLine[]): void {
    const id = this.frame(line.primary!, line.name)
    this.names.add(this.frames.get(id).name)
    const node = this.graph.node(id)
    const self = line.self ?? 0
    node.self[0] = self
    node.total[0] = self + (line.children ?? 0)
    if (line.cycle !== undefined) this.members.push({ node, cycle: line.cycle })
    if (line.calls !== undefined) {
      node.calls = line.calls + (line.recursive ?? 0)
      // A cycle member's primitive calls are those from outside its cycle.
      node.primitiveCalls =
        line.cycle === undefined
          ? line.calls
          : parents
              .filter((p) => p.cycle !== line.cycle)
              .reduce((sum, p) => sum + (p.calls ?? 0), 0)
    }
    for (const child of children) {
      const inside =
        child.index === line.primary || (line.cycle !== undefined && child.cycle === line.cycle)
      this.call(id, this.frame(child.index!, child.name), child, inside)
    }
    for (const parent of parents) {
      if (this.entries.has(parent.index!)) continue
      // Copies of the numbers and name: the line's strings would keep their chunk alive.
      const { self, children, calls } = parent
      this.parentArcs.push({
        caller: parent.index!,
        callerName: copy(parent.name),
        callee: id,
        line: { name: '', self, children, calls },
      })
    }
  }

  /** The call `from` → `to` with the numbers of `line`, unless already made. */
  private call(from: number, to: number, line: CallLine, inside: boolean): void {
    const key = from * 2 ** 26 + to
    if (this.calls.has(key)) return
    this.calls.add(key)
    const edge = this.graph.edge(from, to)
    if (inside) this.cycleCalls = true
    if (line.self !== undefined) {
      edge.self = [line.self]
      edge.total[0] = line.self + (line.children ?? 0)
    }
    if (line.calls !== undefined) {
      edge.calls = line.calls
      edge.primitiveCalls = inside ? 0 : line.calls
    }
  }

  /** The frame of call-graph index `index` (one per index: same-named statics stay apart). */
  private frame(index: number, name: string): number {
    let id = this.frameOf.get(index)
    if (id === undefined) {
      if (this.frameOf.size >= 2 ** 26) fail('more than 2^26 functions')
      id = this.frames.add({ name: copy(name) })
      this.frameOf.set(index, id)
    }
    return id
  }

  finish(): Profile[] {
    if (this.lines.length > 0 && this.lines.every((l) => l.primary === undefined))
      throw new ProfconvError(
        FORMAT,
        'the report ends inside a call-graph entry, before its primary line `[N] …`: it looks cut short',
        { line: this.entryLine },
      )
    this.endGraph(this.entryLine)
    if (!this.sawGraph && !this.sawFlat) fail('neither a flat profile nor a call graph found')
    const metric: Metric = { name: 'time', unit: 'seconds' }
    const { frames, graph } = this
    const meta = newMeta(FORMAT)
    if (this.period !== undefined) meta.period = { metric: { ...metric }, value: this.period }

    // A member of a cycle shows its cycle's time as its total, as gprof's cycle line does.
    for (const { node, cycle } of this.members) {
      const whole = this.cycles.get(cycle)
      if (whole) node.total[0] = (whole.self ?? 0) + (whole.children ?? 0)
    }
    // Callers known only from a parent line (their own entry was not printed).
    for (const { caller, callerName, callee, line } of this.parentArcs) {
      if (this.entries.has(caller)) continue
      this.call(this.frame(caller, callerName), callee, line, false)
    }

    // GNU and BSD gprof end a report that has a call graph with the index by function name.
    const cut = this.sawGraph && !this.sawIndex
    if (cut)
      meta.notes.push(
        'gprof: the report looks cut short: gprof ends a call graph with its index by function name, and this report has none (entries of the call graph may be missing)',
      )
    if (this.sawGraph) {
      // gprof's call graph leaves out functions it has no entry for (BSD's mcount): so do we.
      const left = this.flat.filter((row) => !this.names.has(row.name))
      const seconds = left.reduce((sum, row) => sum + row.self, 0)
      if (seconds > 0) {
        const names = left.filter((row) => row.self > 0).map((row) => row.name)
        const why = cut
          ? 'the call graph read and left out'
          : "the call graph and left out, as gprof's call graph leaves them out"
        meta.notes.push(
          `gprof: ${names.length} function(s) of the flat profile with ${round(seconds)} s are not in ${why} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`,
        )
      }
    } else {
      for (const row of this.flat) {
        const node = graph.node(frames.add({ name: row.name }))
        node.self[0] = row.self
        node.total[0] = row.self
        if (row.calls !== undefined) node.calls = node.primitiveCalls = row.calls
      }
      meta.notes.push(
        'gprof: flat profile only (no call graph): no calls between functions, each total is the self time',
      )
    }
    if (this.cycleCalls) {
      meta.notes.push(
        'gprof: calls within a cycle or recursion carry counts but no time (gprof prints none); members of a cycle show the whole cycle as their total',
      )
    }
    return [{ metrics: [metric], defaultMetric: 0, frames, graph: graph.finish(), meta }]
  }
}

/** A flat copy of `text`: a slice would keep the whole decoded chunk it came from alive. */
function copy(text: string): string {
  return (text + ' ').slice(0, -1)
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}

function round(seconds: number): string {
  return String(Math.round(seconds * 100) / 100)
}

function quote(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)
}

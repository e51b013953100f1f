import {
  FrameTable,
  GraphBuilder,
  ProfconvError,
  newMeta,
  type Metric,
  type Profile,
} from '@profconv/model'
import { parseCallLine, parseFlatRow, type CallLine, type FlatRow } from './lines.js'

export const FORMAT = 'gprof'

/** A function's call-graph entry: its primary line, the lines of its callers and callees. */
interface Entry {
  readonly line: CallLine
  readonly parents: CallLine[]
  readonly children: CallLine[]
}

const GRAPH_HEADER = /^index\s+%\s*(time\s+)?self\s+(children|descendents)\s+called/
const BSD_SUBHEADER = /^\s*called\/total\s+(parents|children)\s*$/
const FLAT_TITLE = /^\s*flat profile:\s*$/i
const FLAT_HEADER = /^\s*time\s+seconds\s+seconds\b/
const SAMPLE_PERIOD = /^\s*each sample counts as ([0-9.]+) seconds/i
const SEPARATOR = /^\s*-{3,}\s*$/
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
  private readonly entries: Entry[] = []
  private readonly cycles = new Map<number, CallLine>()
  /** Lines of the call-graph entry being read, and the line number of its first line. */
  private lines: CallLine[] = []
  private entryLine = 0
  private period: number | undefined
  private sawGraph = false
  private sawFlat = false

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
    if (this.entries.length > 0) this.endGraph(lineNo)
    return this.entries.length === 0
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
    this.entries.push({
      line: primary,
      parents: lines.slice(0, at).filter((l) => l.index !== undefined),
      children: lines.slice(at + 1).filter((l) => l.index !== undefined),
    })
  }

  finish(): Profile[] {
    this.endGraph(0)
    if (!this.sawGraph && !this.sawFlat) {
      throw new ProfconvError(FORMAT, 'neither a flat profile nor a call graph found')
    }
    const metric: Metric = { name: 'time', unit: 'seconds' }
    const frames = new FrameTable()
    const graph = new GraphBuilder(1)
    const meta = newMeta(FORMAT)
    if (this.period !== undefined) meta.period = { metric: { ...metric }, value: this.period }

    // One frame per call-graph index (gprof tells same-named functions apart by it).
    const frameOf = new Map<number, number>()
    const frame = (index: number, name: string) => {
      let id = frameOf.get(index)
      if (id === undefined) frameOf.set(index, (id = frames.add({ name })))
      return id
    }
    const byIndex = new Map<number, Entry>()
    for (const entry of this.entries) {
      if (byIndex.has(entry.line.primary!)) {
        throw new ProfconvError(FORMAT, `two call-graph entries [${entry.line.primary}]`)
      }
      byIndex.set(entry.line.primary!, entry)
      frame(entry.line.primary!, entry.line.name)
    }
    const cycleOf = (line: CallLine) => byIndex.get(line.index!)?.line.cycle ?? line.cycle
    let cycleCalls = false

    for (const { line, parents } of this.entries) {
      const node = graph.node(frame(line.primary!, line.name))
      const self = line.self ?? 0
      node.self[0] = self
      const whole = line.cycle !== undefined ? this.cycles.get(line.cycle) : undefined
      // A member of a cycle shows its cycle's time as its total, as gprof's cycle line does.
      node.total[0] = whole
        ? (whole.self ?? 0) + (whole.children ?? 0)
        : self + (line.children ?? 0)
      if (line.calls !== undefined) {
        node.calls = line.calls + (line.recursive ?? 0)
        node.primitiveCalls =
          line.cycle === undefined
            ? line.calls
            : parents
                .filter((p) => cycleOf(p) !== line.cycle)
                .reduce((sum, p) => sum + (p.calls ?? 0), 0)
      }
    }

    const seen = new Set<string>()
    const arc = (caller: number, callerCycle: number | undefined, callee: CallLine) => {
      const from = frame(caller, '')
      const to = frame(callee.index!, callee.name)
      const key = `${from} ${to}`
      if (seen.has(key)) return
      seen.add(key)
      const edge = graph.edge(from, to)
      const inside = from === to || (callerCycle !== undefined && callerCycle === cycleOf(callee))
      if (inside) cycleCalls = true
      if (callee.self !== undefined) {
        edge.self = [callee.self]
        edge.total[0] = callee.self + (callee.children ?? 0)
      }
      if (callee.calls !== undefined) {
        edge.calls = callee.calls
        edge.primitiveCalls = inside ? 0 : callee.calls
      }
    }
    for (const { line, children } of this.entries) {
      for (const child of children) arc(line.primary!, line.cycle, child)
    }
    // Callers known only from a parent line (their own entry was not printed).
    for (const { line, parents } of this.entries) {
      for (const parent of parents) {
        if (frameOf.has(parent.index!) && byIndex.has(parent.index!)) continue
        frame(parent.index!, parent.name)
        const from = frameOf.get(parent.index!)!
        const to = frameOf.get(line.primary!)!
        const key = `${from} ${to}`
        if (seen.has(key)) continue
        seen.add(key)
        const edge = graph.edge(from, to)
        if (parent.self !== undefined) {
          edge.self = [parent.self]
          edge.total[0] = parent.self + (parent.children ?? 0)
        }
        if (parent.calls !== undefined) edge.calls = edge.primitiveCalls = parent.calls
      }
    }
    // A frame created before its name was known (a caller seen only as an index) is named by
    // the line that names it; every frame here was created with its name except that case.

    if (this.sawGraph) {
      // gprof's call graph leaves out functions it has no entry for (BSD's mcount): so do we.
      const inGraph = new Set(this.entries.map((e) => e.line.name))
      const left = this.flat.filter((row) => !inGraph.has(row.name))
      const seconds = left.reduce((sum, row) => sum + row.self, 0)
      if (seconds > 0) {
        const names = left.filter((row) => row.self > 0).map((row) => row.name)
        meta.notes.push(
          `gprof: ${names.length} function(s) of the flat profile with ${round(seconds)} s are not in the call graph and left out, as gprof's call graph leaves them out (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`,
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
    if (cycleCalls) {
      meta.notes.push(
        'gprof: calls within a cycle or recursion carry counts but no time (gprof prints none); members of a cycle show the whole cycle as their total',
      )
    }
    return [{ metrics: [metric], defaultMetric: 0, frames, graph: graph.finish(), meta }]
  }
}

function round(seconds: number): string {
  return String(Math.round(seconds * 100) / 100)
}

function quote(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)
}

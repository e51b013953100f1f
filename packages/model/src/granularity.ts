import { graphOf } from './derive.js'
import { FrameTable } from './frame-table.js'
import { GraphBuilder, type CallGraph, type GraphNode } from './graph.js'
import { addressHex } from './positions.js'
import type { Profile } from './profile.js'
import type { Samples } from './samples.js'
import { stronglyConnected } from './scc.js'
import { shareTotals } from './share.js'
import { StackTree } from './stack-tree.js'

/**
 * What one box or row of a view stands for, with `go tool pprof`'s meanings: a function (the
 * default), a function in one file (`filefunctions`), a file (`files`), a source line of a
 * function (`lines`), an instruction address at a line of a function (`addresses`).
 */
export type Granularity = 'functions' | 'filefunctions' | 'files' | 'lines' | 'addresses'

/** Every granularity, the default first. */
export const GRANULARITIES: readonly Granularity[] = [
  'functions',
  'filefunctions',
  'files',
  'lines',
  'addresses',
]

/**
 * The units of a view, one row each (ids are the frame ids of the view's profile): the source
 * profile's function (frame id; -1 for `files` units), the file (index into `files`; -1 none), the
 * 1-based line (0: none or not asked) and the address (hi/lo halves; 0 none or not asked).
 */
export interface Units {
  readonly length: number
  readonly frame: Int32Array
  readonly file: Int32Array
  readonly line: Int32Array
  readonly addressHi: Uint32Array
  readonly addressLo: Uint32Array
  readonly files: readonly string[]
}

/**
 * A profile regrouped by granularity: `profile`'s frames are the units, named as `go tool pprof`
 * names its nodes (`main.fib main.go:19`, `000000000045a1c0 main.fib main.go:19`, `main.go`), and
 * `units` says what each is.
 */
export interface UnitView {
  readonly profile: Profile
  readonly units: Units
}

/**
 * `profile` with one function per unit of `granularity` (the profile itself for `functions`).
 * From samples this is exact, by pprof's rule: a sample's value goes to the self of the unit of
 * its leaf, to the total of every distinct unit on its stack once, to every distinct pair of
 * units that follow each other on it (a unit calling itself directly, as two functions of one
 * file do, is one box). From a call graph (pstats, callgrind) self costs are exact; a unit's
 * total is its self plus its calls to other units (exact where no call path leaves the unit
 * and comes back), and calls into a function drawn as several units (lines) are shared among
 * them in proportion to their own cost and calls; each estimate is noted. Position detail
 * (lines, addresses) is read from the samples' stack tree or `profile.positions`: read the
 * profile with positions for `lines`, `addresses` and inlined files.
 */
export function withGranularity(profile: Profile, granularity: Granularity): Profile {
  return granularity === 'functions' ? profile : unitView(profile, granularity).profile
}

/**
 * The view of `profile` at `granularity` with what each unit is (see `withGranularity`). Its
 * notes begin with `subject`, what the user asked for: `--granularity lines` by default, a writer
 * whose units are always lines (`-t list`) names itself.
 */
export function unitView(
  profile: Profile,
  granularity: Granularity,
  subject = `--granularity ${granularity}`,
): UnitView {
  if (!GRANULARITIES.includes(granularity))
    throw new Error(`unknown granularity '${String(granularity)}'`)
  const index = new UnitIndex(profile.frames, granularity)
  const notes = [...profile.meta.notes]
  const base = { metrics: profile.metrics, defaultMetric: profile.defaultMetric }
  // What a function is split into, in the notes.
  const parts = granularity === 'filefunctions' ? 'units' : granularity
  let view: Profile
  if (profile.samples) {
    const samples = unitSamples(profile.samples, profile.frames, index)
    view = { ...base, frames: index.frames, samples, meta: { ...profile.meta, notes } }
    if (needsLines(granularity) && !profile.samples.tree.hasPositions)
      notes.push(noLinesNote(subject, parts))
  } else {
    const { graph, estimated, shared } = unitGraph(profile, index)
    view = { ...base, frames: index.frames, graph, meta: { ...profile.meta, notes } }
    if (needsLines(granularity) && !profile.positions) notes.push(noLinesNote(subject, parts))
    if (estimated > 0)
      notes.push(
        `${subject}: the source is a call graph, so the totals of ${estimated} ${estimated === 1 ? 'unit' : 'units'} on call cycles between units were estimated (own cost plus calls to other units, at most the profile total)`,
      )
    if (shared)
      notes.push(
        `${subject}: the call graph does not say which ${granularity === 'files' ? 'file' : granularity === 'addresses' ? 'address' : 'line'} of a called function was running, so each call into a function shown as several ${parts} was shared among them in proportion to their own cost and calls`,
      )
  }
  return { profile: view, units: index.table() }
}

function needsLines(granularity: Granularity): boolean {
  return granularity === 'lines' || granularity === 'addresses'
}

function noLinesNote(subject: string, parts: string): string {
  return `${subject}: the profile has no source lines or addresses (the format has none, or it was read without them), so no function is split into ${parts}`
}

/**
 * Unit ids by identity: a unit is interned as its view frame (the pprof-style name, and the
 * module for function units), so two positions that print the same are one unit, as in pprof.
 */
class UnitIndex {
  readonly frames = new FrameTable()
  private readonly frame: number[] = []
  private readonly file: number[] = []
  private readonly line: number[] = []
  private readonly hi: number[] = []
  private readonly lo: number[] = []
  private readonly files: string[] = []
  private readonly fileIds = new Map<string, number>()
  private readonly byFunction: boolean
  private readonly lines: boolean
  private readonly addresses: boolean

  constructor(
    private readonly source: FrameTable,
    granularity: Granularity,
  ) {
    this.byFunction = granularity !== 'files'
    this.lines = needsLines(granularity)
    this.addresses = granularity === 'addresses'
  }

  /** The unit of function `frame` at `file` (its own when undefined), `line` and address hi/lo. */
  id(frame: number, file: string | undefined, line: number, hi: number, lo: number): number {
    const f = this.source.get(frame)
    file ??= f.file
    if (!this.lines) line = 0
    if (!this.addresses) hi = lo = 0
    const parts: string[] = []
    if (hi !== 0 || lo !== 0) parts.push(addressHex(hi, lo).padStart(16, '0'))
    if (this.byFunction && f.name !== '') parts.push(f.name)
    if (line !== 0) parts.push(`${file ?? ''}:${line}`)
    else if (file) parts.push(file)
    else if (!this.byFunction && f.module) parts.push(`[${baseName(f.module)}]`)
    else if (!this.byFunction || f.name === '') parts.push('<unknown>')
    const module = this.byFunction || !file ? f.module : undefined
    const id = this.frames.intern(
      module ? { name: parts.join(' '), module } : { name: parts.join(' ') },
    )
    if (id === this.frame.length) {
      this.frame.push(this.byFunction ? frame : -1)
      this.file.push(file === undefined ? -1 : this.fileId(file))
      this.line.push(line)
      this.hi.push(hi)
      this.lo.push(lo)
    }
    return id
  }

  table(): Units {
    return {
      length: this.frame.length,
      frame: Int32Array.from(this.frame),
      file: Int32Array.from(this.file),
      line: Int32Array.from(this.line),
      addressHi: Uint32Array.from(this.hi),
      addressLo: Uint32Array.from(this.lo),
      files: this.files,
    }
  }

  private fileId(name: string): number {
    let id = this.fileIds.get(name)
    if (id === undefined) {
      id = this.files.push(name) - 1
      this.fileIds.set(name, id)
    }
    return id
  }
}

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)
}

/**
 * The samples with every stack-tree node replaced by its unit; a unit directly under itself
 * (two functions of one file, a recursive call from one line) is one node, as pprof draws no
 * edge from a node to itself. Values, labels and times are shared, not copied.
 */
function unitSamples(samples: Samples, frames: FrameTable, index: UnitIndex): Samples {
  const { tree } = samples
  const { parent, frame } = tree.columns()
  const n = parent.length
  const units = new StackTree()
  const unitOf = new Int32Array(n)
  const mapped = new Int32Array(n)
  // Nodes without a position of their own have the unit of their frame: looked up once.
  const plain = new Int32Array(frames.length).fill(-1)
  for (let node = 0; node < n; node++) {
    const f = frame[node]
    const fileIndex = tree.file(node)
    const line = tree.line(node)
    const hi = tree.addressHi(node)
    const lo = tree.addressLo(node)
    let u: number
    if (fileIndex < 0 && line === 0 && hi === 0 && lo === 0) {
      if (plain[f] < 0) plain[f] = index.id(f, undefined, 0, 0, 0)
      u = plain[f]
    } else {
      u = index.id(f, fileIndex < 0 ? undefined : tree.files[fileIndex], line, hi, lo)
    }
    unitOf[node] = u
    const p = parent[node]
    mapped[node] = p >= 0 && unitOf[p] === u ? mapped[p] : units.child(p < 0 ? -1 : mapped[p], u)
  }
  const stack = samples.stack.map((s) => (s < 0 ? -1 : mapped[s]))
  return { ...samples, tree: units, stack }
}

/** Per unit, sums of M values in one growing array. */
class UnitSums {
  data = new Float64Array(0)
  constructor(private readonly width: number) {}

  add(unit: number, from: ArrayLike<number>, at: number, scale = 1): void {
    const w = this.width
    if ((unit + 1) * w > this.data.length) {
      const data = new Float64Array(Math.max((unit + 1) * w, this.data.length * 2))
      data.set(this.data)
      this.data = data
    }
    for (let m = 0; m < w; m++) this.data[unit * w + m] += from[at + m] * scale
  }

  row(unit: number): number[] {
    const w = this.width
    return Array.from({ length: w }, (_, m) => this.data[unit * w + m] ?? 0)
  }
}

/**
 * The unit graph of a call-graph profile (see `withGranularity`): self rows from
 * `profile.positions` (else one per function), calls from its call sites (else one per arc).
 */
function unitGraph(
  profile: Profile,
  index: UnitIndex,
): { graph: CallGraph; estimated: number; shared: boolean } {
  const graph = graphOf(profile)
  const M = profile.metrics.length
  const d = profile.positions
  const self = new UnitSums(M)
  // Per function: its units and their weights (own cost and calls made there, default metric).
  const weights = new Map<number, Map<number, number>>()
  const weigh = (frame: number, unit: number, value: number) => {
    let w = weights.get(frame)
    if (!w) weights.set(frame, (w = new Map()))
    w.set(unit, (w.get(unit) ?? 0) + Math.abs(value))
  }
  const dm = profile.defaultMetric
  interface Site {
    caller: number
    callee: number
    values: ArrayLike<number>
    at: number
    calls: number
  }
  const sites: Site[] = []
  if (d) {
    const fileName = (i: number) => (i < 0 ? undefined : d.files[i])
    const { lines, sites: s } = d
    for (let r = 0; r < lines.length; r++) {
      const f = lines.frame[r]
      const u = index.id(
        f,
        fileName(lines.file[r]),
        lines.line[r],
        lines.addressHi[r],
        lines.addressLo[r],
      )
      self.add(u, lines.self, r * M)
      weigh(f, u, lines.self[r * M + dm])
    }
    for (let r = 0; r < s.length; r++) {
      const f = s.caller[r]
      const u = index.id(f, fileName(s.file[r]), s.line[r], s.addressHi[r], s.addressLo[r])
      weigh(f, u, s.total[r * M + dm])
      sites.push({ caller: u, callee: s.callee[r], values: s.total, at: r * M, calls: s.calls[r] })
    }
  } else {
    for (const node of graph.nodes) {
      const u = index.id(node.frame, undefined, 0, 0, 0)
      self.add(u, node.self, 0)
      weigh(node.frame, u, node.self[dm])
    }
    for (const e of graph.edges) {
      const u = index.id(e.caller, undefined, 0, 0, 0)
      weigh(e.caller, u, e.total[dm])
      sites.push({ caller: u, callee: e.callee, values: e.total, at: 0, calls: e.calls ?? NaN })
    }
  }
  // A function without rows or calls of its own (no cost) still is a unit, to be called.
  for (const node of graph.nodes)
    if (!weights.has(node.frame)) weigh(node.frame, index.id(node.frame, undefined, 0, 0, 0), 0)

  const builder = new GraphBuilder(M)
  const unitCount = index.frames.length
  for (let u = 0; u < unitCount; u++) builder.node(u)
  let shared = false
  for (const site of sites) {
    const targets = weights.get(site.callee)!
    let sum = 0
    for (const w of targets.values()) sum += w
    if (targets.size > 1) shared = true
    for (const [v, w] of targets) {
      if (v === site.caller) continue
      const share = targets.size === 1 ? 1 : sum > 0 ? w / sum : 1 / targets.size
      if (share === 0) continue
      const edge = builder.edge(site.caller, v)
      for (let m = 0; m < M; m++) edge.total[m] += site.values[site.at + m] * share
      if (targets.size === 1 && !Number.isNaN(site.calls))
        edge.calls = (edge.calls ?? 0) + site.calls
    }
  }

  // Functions that are one unit alone keep their measured total and calls.
  const owners = new Int32Array(unitCount)
  const owner = new Int32Array(unitCount).fill(-1)
  for (const [frame, units] of weights) {
    for (const u of units.keys()) {
      owners[u]++
      owner[u] = units.size === 1 ? frame : -1
    }
  }
  const nodeOf = new Map<number, GraphNode>()
  for (const node of graph.nodes) nodeOf.set(node.frame, node)

  const ceiling = shareTotals(graph, M)
  const component = unitComponents(unitCount, builder)
  const size = new Int32Array(unitCount)
  for (let u = 0; u < unitCount; u++) size[component[u]]++
  let estimated = 0
  for (const unit of builder.nodes) {
    const u = unit.frame
    const whole = owners[u] === 1 && owner[u] >= 0 ? nodeOf.get(owner[u]) : undefined
    const own = self.row(u)
    for (let m = 0; m < M; m++) unit.self[m] = own[m]
    if (whole) {
      for (let m = 0; m < M; m++) unit.total[m] = whole.total[m]
      if (whole.calls !== undefined) unit.calls = whole.calls
      if (whole.primitiveCalls !== undefined) unit.primitiveCalls = whole.primitiveCalls
      if (whole.totalEstimated) unit.totalEstimated = true
      continue
    }
    for (let m = 0; m < M; m++) unit.total[m] = own[m]
    if (size[component[u]] > 1) {
      unit.totalEstimated = true
      estimated++
    }
  }
  for (const e of builder.edges) {
    const caller = builder.nodes[e.caller]
    if (owners[e.caller] === 1 && owner[e.caller] >= 0 && nodeOf.has(owner[e.caller])) continue
    for (let m = 0; m < M; m++) caller.total[m] += e.total[m]
  }
  for (const unit of builder.nodes) {
    for (let m = 0; m < M; m++) {
      const top = Math.max(Math.abs(ceiling[m]), Math.abs(unit.self[m]))
      if (Math.abs(unit.total[m]) > top) unit.total[m] = Math.sign(unit.total[m]) * top
    }
  }
  return { graph: builder.finish(graph.edgeCostsEstimated), estimated, shared }
}

/** The strongly connected component of every unit (builder node ids are unit ids). */
function unitComponents(count: number, builder: GraphBuilder): Int32Array {
  const start = new Int32Array(count + 1)
  for (const e of builder.edges) start[e.caller + 1]++
  for (let i = 0; i < count; i++) start[i + 1] += start[i]
  const fill = start.slice()
  const targets = new Int32Array(builder.edges.length)
  for (const e of builder.edges) targets[fill[e.caller]++] = e.callee
  return stronglyConnected(start, targets)
}

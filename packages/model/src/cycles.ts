import { edgeColumns, type CallGraph, type EdgeColumns } from './graph.js'
import { stronglyConnected } from './scc.js'

/** The note a reader adds when `estimateCycleTotals` estimated some functions' totals. */
export const CYCLE_TOTALS_NOTE =
  'functions in call cycles (mutual recursion) have estimated totals (marked ~ in drawings): ' +
  'as gprof2dot integrates cycles, the cycle’s cost follows the calls from each entry into ' +
  'it towards the members farther from that entry, in proportion to the calls’ costs; each ' +
  'estimate stays between what is exact (its self plus its calls out of the cycle, or the ' +
  'calls into it from outside) and the whole cycle’s cost'

/**
 * The note a reader adds besides `CYCLE_TOTALS_NOTE` when `estimateCycleTotals` reports
 * `pooled`: a cycle had more entries than the work budget follows.
 */
export const CYCLE_POOLED_NOTE =
  'a call cycle has more entries than are followed one by one (work kept linear in the ' +
  'graph’s size): the weight of its lightest entries was shared among the heaviest ones, so ' +
  'its members’ estimated totals are rougher there'

/**
 * A call graph on typed arrays (function `v`, arc `a`, metric `m`): what `estimateCycleTotals`
 * reads. `total` holds each function's total and is updated in place. A cycle's cost is the
 * largest of its members' totals, the calls entering it and its members' own costs, at most the
 * sum of all self costs.
 */
export interface CycleGraph {
  readonly functionCount: number
  readonly metricCount: number
  readonly arcCount: number
  readonly arcCaller: Int32Array
  readonly arcCallee: Int32Array
  /** Per arc and metric (`a * M + m`): the callee's inclusive cost under that caller. */
  readonly arcTotal: Float64Array
  /** Per function and metric (`v * M + m`). */
  readonly self: Float64Array
  readonly total: Float64Array
  /** Strongly connected component per function (from `stronglyConnected`), if already known. */
  readonly component?: Int32Array
}

export interface CycleEstimate {
  /** 1 for the functions whose total was estimated (members of cycles of two or more). */
  readonly estimated: Uint8Array
  /**
   * Per arc and metric: the share of the callee's estimated total that flows along the arc.
   * For an arc inside a cycle it is what the integration sent down it (0 for calls back up
   * towards the entries); for any other arc it is the arc's cost, at most the callee's total.
   * With these, every function's self plus its outgoing flows is its total (before bounds).
   */
  readonly flow: Float64Array
  /** Whether some cycle's entries were too many to follow all (their weight was pooled). */
  readonly pooled: boolean
  /** With `keepPaths`: how each followed entry's share spreads in its cycle, by entry. */
  readonly paths?: Map<number, EntryPath>
  /** With `keepPaths`: each cycle member's position in the list of all members (else -1). */
  readonly member?: Int32Array
  /**
   * With `keepPaths`: per cycle whose entering calls do not account for its cost (nobody outside
   * calls it, or a generated graph's arcs carry less than its members' totals), the member that
   * cost enters at (the one of most own cost) and that cost per metric, by function.
   */
  readonly tops?: Map<number, Float64Array>
}

/**
 * One followed entry of a cycle, by member `i = member[v] - first` (`member` of the estimate):
 * its rank from the entry, and per metric (`i * M + m`) its partial (the entry's share of its
 * total) and the cost of the calls reaching it from one rank nearer; per metric the factor on
 * own costs. Along a call `a` from `v` to `u` one rank deeper goes
 * `arcTotal[a] / deeperIn[u] * partial[u]`.
 */
export interface EntryPath {
  readonly first: number
  readonly rank: Int32Array
  readonly partial: Float64Array
  readonly deeperIn: Float64Array
  readonly factor: Float64Array
}

/**
 * Vertex and arc visits allowed for following entries, beyond this many per function and arc
 * of the whole graph: real programs' cycles (a few hundred members, tens of entries) are
 * followed whole; a generated graph's giant cycle with thousands of entries is not.
 */
const WORK_BUDGET = 1_000_000
const WORK_PER_SIZE = 4

/**
 * Estimates the total of every member of a call cycle, the way gprof2dot integrates cycles
 * (after gprof): the cycle's cost `T` is split among its entries (members called from outside,
 * by the cost of those calls; cost no call accounts for, or all of it when no outside call
 * enters, goes to the member with the most cost of its own). From each entry the members are
 * ranked by call distance; each member's own cost (self plus its calls leaving the cycle) flows
 * up the calls that reach it from one rank nearer the entry, in proportion to those calls'
 * costs, so the entry carries its whole share of `T` and deeper members only what flows up from
 * below them. The result is kept between the member's exact lower bound — the larger of its own
 * cost and the cost of the calls entering it from outside (outermost activations, never nested)
 * — and `T`. Functions outside cycles keep their totals. Costs O(V + E) per entry followed;
 * past a budget (linear in the graph's size) the lightest entries are not followed and their
 * weight is pooled onto the followed ones (`pooled`).
 */
export function estimateCycleTotals(g: CycleGraph, keepPaths = false): CycleEstimate {
  const n = g.functionCount
  const M = g.metricCount
  const A = g.arcCount
  const { arcCaller: from, arcCallee: to, arcTotal, total } = g
  const component = g.component ?? stronglyConnected(...csr(n, A, from, to, false))
  const size = new Int32Array(n)
  for (let v = 0; v < n; v++) size[component[v]]++
  const estimated = new Uint8Array(n)
  const flow = new Float64Array(A * M)
  // A call between different components carries its cost (never more than its callee's total);
  // a self-call nothing, and a call inside a cycle what the integration below sends along it.
  for (let a = 0; a < A; a++) {
    if (component[from[a]] === component[to[a]]) continue
    for (let m = 0; m < M; m++)
      flow[a * M + m] = Math.min(arcTotal[a * M + m], total[to[a] * M + m])
  }
  let cycles = false
  for (let v = 0; v < n; v++) {
    if (size[component[v]] < 2) continue
    estimated[v] = 1
    cycles = true
  }
  if (!cycles) return { estimated, flow, pooled: false }
  const run = new Integration(g, component, estimated, flow)
  if (keepPaths) {
    run.paths = new Map()
    run.tops = new Map()
  }
  // Component ids are in reverse topological order: a cycle's callees are final before it.
  let budget = Math.max(WORK_BUDGET, WORK_PER_SIZE * (n + A))
  let pooled = false
  for (let c = 0; c < n; c++) {
    if (run.memberStart[c + 1] - run.memberStart[c] < 2) continue
    const entries = run.entries(c)
    const perEntry = run.workPerEntry(c)
    const followed = Math.min(entries.length, Math.max(1, Math.floor(budget / perEntry)))
    if (followed < entries.length) pooled = true
    budget = Math.max(0, budget - followed * perEntry)
    run.follow(c, entries.slice(0, followed))
    run.bound(c)
  }
  if (!run.paths) return { estimated, flow, pooled }
  return { estimated, flow, pooled, paths: run.paths, member: run.position, tops: run.tops }
}

/**
 * The state of one `estimateCycleTotals` run, in typed arrays; each step a small method (V8
 * compiles a big loop nest slowly, and these run once per read).
 */
class Integration {
  readonly n: number
  readonly M: number
  readonly memberStart: Int32Array
  readonly members: Int32Array
  /** Each member's index in `members` (-1 outside cycles). */
  readonly position: Int32Array
  readonly outStart: Int32Array
  readonly outArcs: Int32Array
  readonly inStart: Int32Array
  readonly inArcs: Int32Array
  /** Per member and metric: self plus the calls leaving the cycle; the calls entering it. */
  readonly own: Float64Array
  readonly enter: Float64Array
  readonly rank: Int32Array
  readonly queue: Int32Array
  readonly partial: Float64Array
  readonly deeperIn: Float64Array
  readonly deeperCount: Int32Array
  readonly estimate: Float64Array
  readonly cycleTotal: Float64Array
  readonly ownSum: Float64Array
  /** Per metric, the sum of every function's self. */
  readonly program: Float64Array
  /** Per entry followed, its weight per metric (by function). */
  weight = new Map<number, Float64Array>()
  /** Where kept: each followed entry's spread (sparse copies, by member). */
  paths?: Map<number, EntryPath>
  /** Where kept: the cost entering each cycle that no outside call accounts for (`tops`). */
  tops?: Map<number, Float64Array>

  constructor(
    readonly g: CycleGraph,
    readonly component: Int32Array | readonly number[],
    readonly inCycle: Uint8Array,
    readonly flow: Float64Array,
  ) {
    const n = (this.n = g.functionCount)
    const M = (this.M = g.metricCount)
    const A = g.arcCount
    ;[this.outStart, this.outArcs] = csr(n, A, g.arcCaller, g.arcCallee, true)
    ;[this.inStart, this.inArcs] = csr(n, A, g.arcCallee, g.arcCaller, true)
    this.memberStart = new Int32Array(n + 1)
    for (let v = 0; v < n; v++) if (inCycle[v]) this.memberStart[component[v] + 1]++
    for (let c = 0; c < n; c++) this.memberStart[c + 1] += this.memberStart[c]
    this.members = new Int32Array(this.memberStart[n])
    const fill = this.memberStart.slice(0, n)
    this.position = new Int32Array(n).fill(-1)
    for (let v = 0; v < n; v++)
      if (inCycle[v]) {
        this.position[v] = fill[component[v]]
        this.members[fill[component[v]]++] = v
      }
    this.own = new Float64Array(n * M)
    this.enter = new Float64Array(n * M)
    this.ownAndEnter()
    this.rank = new Int32Array(n).fill(-1)
    this.queue = new Int32Array(n)
    this.partial = new Float64Array(n * M)
    this.deeperIn = new Float64Array(n * M)
    this.deeperCount = new Int32Array(n)
    this.estimate = new Float64Array(n * M)
    this.cycleTotal = new Float64Array(M)
    this.ownSum = new Float64Array(M)
    this.program = new Float64Array(M)
    for (let v = 0; v < n; v++) for (let m = 0; m < M; m++) this.program[m] += g.self[v * M + m]
  }

  private ownAndEnter(): void {
    const { n, M, g, component, own, enter, flow, outStart, outArcs, inStart, inArcs } = this
    for (let v = 0; v < n; v++) {
      if (!this.inCycle[v]) continue
      for (let m = 0; m < M; m++) own[v * M + m] = g.self[v * M + m]
      for (let k = outStart[v]; k < outStart[v + 1]; k++) {
        const a = outArcs[k]
        if (component[g.arcCallee[a]] === component[v]) continue
        for (let m = 0; m < M; m++) own[v * M + m] += flow[a * M + m]
      }
      for (let k = inStart[v]; k < inStart[v + 1]; k++) {
        const a = inArcs[k]
        if (component[g.arcCaller[a]] === component[v]) continue
        for (let m = 0; m < M; m++) enter[v * M + m] += g.arcTotal[a * M + m]
      }
    }
  }

  /** Vertex and arc visits of following one entry of cycle `c`. */
  workPerEntry(c: number): number {
    let arcs = 0
    for (let i = this.memberStart[c]; i < this.memberStart[c + 1]; i++) {
      const v = this.members[i]
      arcs += this.outStart[v + 1] - this.outStart[v] + this.inStart[v + 1] - this.inStart[v]
    }
    return 3 * (this.memberStart[c + 1] - this.memberStart[c]) + 2 * arcs
  }

  /**
   * The cycle's total (the largest member total), own-cost sum, and entries with their weights,
   * heaviest first; the cost no outside call accounts for enters at the member of most own cost.
   */
  entries(c: number): number[] {
    const { M, own, enter, cycleTotal, ownSum } = this
    const total = this.g.total
    cycleTotal.fill(0)
    ownSum.fill(0)
    const entering = new Float64Array(M)
    const weight = (this.weight = new Map())
    let heaviest = this.members[this.memberStart[c]]
    for (let i = this.memberStart[c]; i < this.memberStart[c + 1]; i++) {
      const v = this.members[i]
      let called = false
      for (let m = 0; m < M; m++) {
        cycleTotal[m] = Math.max(cycleTotal[m], total[v * M + m])
        ownSum[m] += own[v * M + m]
        entering[m] += enter[v * M + m]
        if (enter[v * M + m] > 0) called = true
      }
      if (called) weight.set(v, enter.slice(v * M, v * M + M))
      if (own[v * M] > own[heaviest * M]) heaviest = v
    }
    // Totals already estimated (a graph read back) still give the cycle's cost: the calls
    // entering it, or its members' own costs, never more than the program's.
    for (let m = 0; m < M; m++)
      cycleTotal[m] = Math.min(this.program[m], Math.max(cycleTotal[m], entering[m], ownSum[m]))
    const top = new Float64Array(M)
    let anyTop = weight.size === 0
    for (let m = 0; m < M; m++) {
      top[m] = Math.max(0, cycleTotal[m] - entering[m])
      if (top[m] > 0) anyTop = true
    }
    if (anyTop) {
      if (top.some((t) => t > 0)) this.tops?.set(heaviest, top)
      const w = weight.get(heaviest) ?? new Float64Array(M)
      for (let m = 0; m < M; m++) w[m] += weight.size === 0 && top[m] === 0 ? 1 : top[m]
      weight.set(heaviest, w)
    }
    return [...weight.keys()].sort((x, y) => weight.get(y)![0] - weight.get(x)![0] || x - y)
  }

  /** Integrates cycle `c` from each of `entries`, their weights normalised over them. */
  follow(c: number, entries: readonly number[]): void {
    const M = this.M
    const sum = new Float64Array(M)
    for (const e of entries) for (let m = 0; m < M; m++) sum[m] += this.weight.get(e)![m]
    const factor = new Float64Array(M)
    for (const e of entries) {
      const w = this.weight.get(e)!
      for (let m = 0; m < M; m++) {
        const share = sum[m] > 0 ? w[m] / sum[m] : 0
        factor[m] = this.ownSum[m] > 0 ? (share * this.cycleTotal[m]) / this.ownSum[m] : 0
      }
      const reached = this.ranks(c, e)
      this.deeperCosts(c, reached)
      this.integrate(c, reached, factor)
      if (this.paths) this.paths.set(e, this.keep(c, reached, factor))
      for (let q = 0; q < reached; q++) this.rank[this.queue[q]] = -1
    }
  }

  /** Breadth-first ranks from `entry` along calls inside cycle `c`; members in `queue`. */
  private ranks(c: number, entry: number): number {
    const { rank, queue, outStart, outArcs, component } = this
    const to = this.g.arcCallee
    let tail = 0
    rank[entry] = 0
    queue[tail++] = entry
    for (let head = 0; head < tail; head++) {
      const v = queue[head]
      for (let k = outStart[v]; k < outStart[v + 1]; k++) {
        const w = to[outArcs[k]]
        if (rank[w] < 0 && component[w] === c) {
          rank[w] = rank[v] + 1
          queue[tail++] = w
        }
      }
    }
    return tail
  }

  /** Each member's cost of the calls reaching it from one rank nearer the entry. */
  private deeperCosts(c: number, reached: number): void {
    const { M, rank, queue, inStart, inArcs, component, deeperIn, deeperCount } = this
    const { arcCaller: from, arcTotal } = this.g
    for (let q = 0; q < reached; q++) {
      const v = queue[q]
      deeperCount[v] = 0
      for (let m = 0; m < M; m++) deeperIn[v * M + m] = 0
      for (let k = inStart[v]; k < inStart[v + 1]; k++) {
        const a = inArcs[k]
        const u = from[a]
        if (component[u] !== c || rank[u] !== rank[v] - 1) continue
        deeperCount[v]++
        for (let m = 0; m < M; m++) deeperIn[v * M + m] += arcTotal[a * M + m]
      }
    }
  }

  /** Deepest first: a member's partial is its share of own cost plus what flows up to it. */
  private integrate(c: number, reached: number, factor: Float64Array): void {
    const { M, rank, queue, outStart, outArcs, component, deeperIn, deeperCount } = this
    const { own, partial, flow, estimate } = this
    const { arcCallee: to, arcTotal } = this.g
    for (let q = reached - 1; q >= 0; q--) {
      const v = queue[q]
      for (let m = 0; m < M; m++) partial[v * M + m] = factor[m] * own[v * M + m]
      for (let k = outStart[v]; k < outStart[v + 1]; k++) {
        const a = outArcs[k]
        const u = to[a]
        if (component[u] !== c || rank[u] !== rank[v] + 1) continue
        for (let m = 0; m < M; m++) {
          const into = deeperIn[u * M + m]
          const part = into > 0 ? arcTotal[a * M + m] / into : 1 / deeperCount[u]
          const sent = part * partial[u * M + m]
          partial[v * M + m] += sent
          flow[a * M + m] += sent
        }
      }
      for (let m = 0; m < M; m++) estimate[v * M + m] += partial[v * M + m]
    }
  }

  /** A copy of the current entry's spread over the members of cycle `c`. */
  private keep(c: number, reached: number, factor: Float64Array): EntryPath {
    const { M, queue, position } = this
    const first = this.memberStart[c]
    const size = this.memberStart[c + 1] - first
    const rank = new Int32Array(size).fill(-1)
    const partial = new Float64Array(size * M)
    const deeperIn = new Float64Array(size * M)
    for (let q = 0; q < reached; q++) {
      const v = queue[q]
      const i = position[v] - first
      rank[i] = this.rank[v]
      for (let m = 0; m < M; m++) {
        partial[i * M + m] = this.partial[v * M + m]
        deeperIn[i * M + m] = this.deeperIn[v * M + m]
      }
    }
    return { first, rank, partial, deeperIn, factor: factor.slice() }
  }

  /** Each member's total: its estimate, kept between its exact lower bound and the cycle's. */
  bound(c: number): void {
    const { M, own, enter, estimate, cycleTotal } = this
    const { self, total } = this.g
    for (let i = this.memberStart[c]; i < this.memberStart[c + 1]; i++) {
      const v = this.members[i]
      for (let m = 0; m < M; m++) {
        const lower = Math.max(own[v * M + m], enter[v * M + m], self[v * M + m])
        const upper = Math.max(cycleTotal[m], self[v * M + m])
        total[v * M + m] = Math.min(upper, Math.max(lower, estimate[v * M + m]))
      }
    }
  }
}

/** A `CallGraph` as `estimateCycleTotals` reads it, by node position (`vertexOf` a frame id). */
export interface CallCycleGraph extends CycleGraph {
  readonly component: Int32Array
  readonly vertexOf: Int32Array
  readonly columns: EdgeColumns
}

/**
 * The typed arrays of `graph` for `estimateCycleTotals`: functions by node position, arcs in
 * `edgeColumns` order (unknown costs 0), `total` a copy of the nodes' totals, and the strongly
 * connected components.
 */
export function cycleGraphOf(graph: CallGraph, metricCount: number): CallCycleGraph {
  const M = metricCount
  const { nodes } = graph
  let maxFrame = -1
  for (const node of nodes) if (node.frame > maxFrame) maxFrame = node.frame
  const vertexOf = new Int32Array(maxFrame + 1)
  nodes.forEach((node, v) => (vertexOf[node.frame] = v))
  const columns = edgeColumns(graph, M)
  const arcCaller = new Int32Array(columns.length)
  const arcCallee = new Int32Array(columns.length)
  for (let a = 0; a < columns.length; a++) {
    arcCaller[a] = vertexOf[columns.caller[a]]
    arcCallee[a] = vertexOf[columns.callee[a]]
  }
  const self = new Float64Array(nodes.length * M)
  const total = new Float64Array(nodes.length * M)
  nodes.forEach((node, v) => {
    for (let m = 0; m < M; m++) {
      self[v * M + m] = node.self[m] ?? 0
      total[v * M + m] = node.total[m] ?? 0
    }
  })
  const arcTotal = Float64Array.from(columns.total, (t) => (Number.isNaN(t) ? 0 : t))
  const n = nodes.length
  const A = columns.length
  const component = stronglyConnected(...csr(n, A, arcCaller, arcCallee, false))
  return {
    functionCount: n,
    metricCount: M,
    arcCount: A,
    arcCaller,
    arcCallee,
    arcTotal,
    self,
    total,
    component,
    vertexOf,
    columns,
  }
}

/**
 * `estimateCycleTotals` on a `CallGraph`: the estimated totals (a copy of each node's `total`
 * array, by node position) and flows per edge (in `edgeColumns` order). The graph is unchanged.
 */
export function graphCycleEstimate(
  graph: CallGraph,
  metricCount: number,
  keepPaths = false,
): CycleEstimate & { total: Float64Array } {
  const g = cycleGraphOf(graph, metricCount)
  return { ...estimateCycleTotals(g, keepPaths), total: g.total }
}

/**
 * Arcs grouped by `key` endpoint as CSR: `start[v]..start[v+1]` index into the second array,
 * which holds arc indices (`arcs`) or the other endpoints, skipping self-arcs.
 */
function csr(
  n: number,
  count: number,
  key: Int32Array,
  other: Int32Array,
  arcs: boolean,
): [Int32Array, Int32Array] {
  const start = new Int32Array(n + 1)
  for (let a = 0; a < count; a++) if (key[a] !== other[a]) start[key[a] + 1]++
  for (let v = 0; v < n; v++) start[v + 1] += start[v]
  const fill = start.slice(0, n)
  const out = new Int32Array(start[n])
  for (let a = 0; a < count; a++) if (key[a] !== other[a]) out[fill[key[a]]++] = arcs ? a : other[a]
  return [start, out]
}

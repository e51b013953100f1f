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
  const A = g.arcCount
  const component = g.component ?? stronglyConnected(...csr(n, A, g.arcCaller, g.arcCallee, false))
  const size = componentSizes(component)
  const estimated = new Uint8Array(n)
  const cycles = markMembers(component, size, estimated)
  const flow = crossFlows(g, component)
  if (!cycles) return { estimated, flow, pooled: false }
  const run = new Integration(g, component, size, estimated, flow)
  if (keepPaths) {
    run.paths = new Map()
    run.tops = new Map()
  }
  // Component ids are in reverse topological order: a cycle's callees are final before it.
  let budget = Math.max(WORK_BUDGET, WORK_PER_SIZE * (n + A))
  let pooled = false
  for (const c of run.cycles) {
    const entries = run.entries(c)
    const perEntry = run.workPerEntry(c)
    const followed = Math.min(entries.length, Math.max(1, Math.floor(budget / perEntry)))
    if (followed < entries.length) pooled = true
    budget = Math.max(0, budget - followed * perEntry)
    run.follow(heaviestFirst(entries, followed, run.weight, g.metricCount))
    run.bound(c)
  }
  if (!run.paths) return { estimated, flow, pooled }
  return { estimated, flow, pooled, paths: run.paths, member: run.position, tops: run.tops }
}

// The steps below each hold one loop over the graph, in a function of its own: they run once
// per read, mostly before V8 has optimised them, and a small function with one loop is
// optimised (on-stack replacement) once and cheaply, where a long one is compiled again after
// each of its loops.

/** How many functions each component has, by component id. */
function componentSizes(component: Int32Array | readonly number[]): Int32Array {
  const size = new Int32Array(component.length)
  for (let v = 0; v < component.length; v++) size[component[v]]++
  return size
}

/** Marks the members of cycles (components of two or more); whether there are any. */
function markMembers(
  component: Int32Array | readonly number[],
  size: Int32Array,
  member: Uint8Array,
): boolean {
  let any = false
  for (let v = 0; v < component.length; v++) {
    if (size[component[v]] < 2) continue
    member[v] = 1
    any = true
  }
  return any
}

/**
 * Where each component's members start in the list of all members (`start[c]`, components of
 * one function taking no room) and the cycles' ids, ascending; returns how many members.
 */
function countMembers(size: Int32Array, start: Int32Array, cycles: number[]): number {
  let count = 0
  for (let c = 0; c < size.length; c++) {
    if (size[c] >= 2) {
      count += size[c]
      cycles.push(c)
    }
    start[c + 1] = count
  }
  return count
}

/**
 * The flow of every call between different components: its cost, never more than its callee's
 * total. A self-call carries nothing, and a call inside a cycle what the integration sends.
 */
function crossFlows(g: CycleGraph, component: Int32Array | readonly number[]): Float64Array {
  const M = g.metricCount
  const { arcCaller: from, arcCallee: to, arcTotal, total } = g
  const flow = new Float64Array(g.arcCount * M)
  for (let a = 0; a < g.arcCount; a++) {
    if (component[from[a]] === component[to[a]]) continue
    for (let m = 0; m < M; m++)
      flow[a * M + m] = Math.min(arcTotal[a * M + m], total[to[a] * M + m])
  }
  return flow
}

/**
 * The first `count` of `entries` by weight of the first metric, heaviest first (ties by
 * function); all of them sorted when all are followed, else picked in one pass (a giant cycle
 * has thousands of entries of which a few are followed).
 */
function heaviestFirst(
  entries: number[],
  count: number,
  weight: Float64Array,
  M: number,
): number[] {
  const before = (x: number, y: number) =>
    weight[x * M] > weight[y * M] || (weight[x * M] === weight[y * M] && x < y)
  if (count >= entries.length || count > 64)
    return entries.sort((x, y) => weight[y * M] - weight[x * M] || x - y).slice(0, count)
  const top: number[] = []
  for (const v of entries) {
    if (top.length === count && !before(v, top[count - 1])) continue
    let i = Math.min(top.length, count - 1)
    while (i > 0 && before(v, top[i - 1])) i--
    if (top.length === count) top.pop()
    top.splice(i, 0, v)
  }
  return top
}

/** Per metric, the sum of every function's self. */
function programTotals(self: Float64Array, M: number): Float64Array {
  const program = new Float64Array(M)
  for (let i = 0; i < self.length; i++) program[i % M] += self[i]
  return program
}

/** Exclusive prefix sums in place: counts at `i + 1` become the start of `i` (CSR). */
function prefixSums(start: Int32Array): void {
  for (let i = 1; i < start.length; i++) start[i] += start[i - 1]
}

/**
 * The state of one `estimateCycleTotals` run, in typed arrays; each step a small method (V8
 * compiles a big loop nest slowly, and these run once per read).
 */
class Integration {
  readonly n: number
  readonly M: number
  /** The cycles' component ids, ascending. */
  readonly cycles: number[] = []
  readonly memberStart: Int32Array
  readonly members: Int32Array
  /** Each member's index in `members` (-1 outside cycles). */
  readonly position: Int32Array
  /** Calls to and from other functions, per function (what following an entry visits). */
  readonly degree: Int32Array
  /**
   * The calls inside cycles (between two members of one), by caller and by callee, as CSR of
   * arc indices in arc order: all that following an entry walks.
   */
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
  /** Per entry of the current cycle, its weight per metric (`v * M + m`). */
  readonly weight: Float64Array
  /** Where kept: each followed entry's spread (sparse copies, by member). */
  paths?: Map<number, EntryPath>
  /** Where kept: the cost entering each cycle that no outside call accounts for (`tops`). */
  tops?: Map<number, Float64Array>

  constructor(
    readonly g: CycleGraph,
    readonly component: Int32Array | readonly number[],
    size: Int32Array,
    readonly inCycle: Uint8Array,
    readonly flow: Float64Array,
  ) {
    const n = (this.n = g.functionCount)
    const M = (this.M = g.metricCount)
    this.memberStart = new Int32Array(n + 1)
    this.members = new Int32Array(countMembers(size, this.memberStart, this.cycles))
    this.position = new Int32Array(n)
    this.placeMembers()
    this.degree = new Int32Array(n)
    this.outStart = new Int32Array(n + 1)
    this.inStart = new Int32Array(n + 1)
    this.own = new Float64Array(n * M)
    this.enter = new Float64Array(n * M)
    this.ownAndEnter()
    prefixSums(this.outStart)
    prefixSums(this.inStart)
    this.outArcs = new Int32Array(this.outStart[n])
    this.inArcs = new Int32Array(this.inStart[n])
    this.insideArcs()
    this.rank = new Int32Array(n).fill(-1)
    this.queue = new Int32Array(n)
    this.partial = new Float64Array(n * M)
    this.deeperIn = new Float64Array(n * M)
    this.deeperCount = new Int32Array(n)
    this.estimate = new Float64Array(n * M)
    this.weight = new Float64Array(n * M)
    this.cycleTotal = new Float64Array(M)
    this.ownSum = new Float64Array(M)
    this.program = programTotals(g.self, M)
  }

  /** Each member's place in `members` (grouped by component, in function order). */
  private placeMembers(): void {
    const { n, component, inCycle, members, position } = this
    const fill = this.memberStart.slice(0, n)
    for (let v = 0; v < n; v++) {
      if (!inCycle[v]) {
        position[v] = -1
        continue
      }
      const i = fill[component[v]]++
      position[v] = i
      members[i] = v
    }
  }

  /**
   * In one pass over the calls (self-calls skipped): each function's degree, the number of calls
   * inside cycles per caller and callee (`outStart`, `inStart` before their prefix sums), and per
   * member its own cost (self plus the calls leaving its cycle) and the calls entering it.
   */
  private ownAndEnter(): void {
    const { M, g, component, inCycle, own, enter, flow, degree, outStart, inStart } = this
    const { arcCaller: from, arcCallee: to, arcTotal } = g
    own.set(g.self.subarray(0, own.length))
    for (let a = 0; a < g.arcCount; a++) {
      const u = from[a]
      const w = to[a]
      if (u === w) continue
      degree[u]++
      degree[w]++
      if (component[u] === component[w]) {
        outStart[u + 1]++
        inStart[w + 1]++
      } else {
        if (inCycle[u]) for (let m = 0; m < M; m++) own[u * M + m] += flow[a * M + m]
        if (inCycle[w]) for (let m = 0; m < M; m++) enter[w * M + m] += arcTotal[a * M + m]
      }
    }
  }

  /** The calls inside cycles as CSR by caller and by callee (after `ownAndEnter`). */
  private insideArcs(): void {
    const { n, component, outStart, inStart, outArcs, inArcs } = this
    const { arcCaller: from, arcCallee: to } = this.g
    const outFill = outStart.slice(0, n)
    const inFill = inStart.slice(0, n)
    for (let a = 0; a < this.g.arcCount; a++) {
      const u = from[a]
      const w = to[a]
      if (u === w || component[u] !== component[w]) continue
      outArcs[outFill[u]++] = a
      inArcs[inFill[w]++] = a
    }
  }

  /** Vertex and arc visits of following one entry of cycle `c`. */
  workPerEntry(c: number): number {
    const { memberStart, members, degree } = this
    const first = memberStart[c]
    const end = memberStart[c + 1]
    let work = 3 * (end - first)
    for (let i = first; i < end; i++) work += 2 * degree[members[i]]
    return work
  }

  /**
   * The cycle's total (the largest member total), own-cost sum, and entries with their weights
   * (`weight`); the cost no outside call accounts for enters at the member of most own cost.
   */
  entries(c: number): number[] {
    const entering = new Float64Array(this.M)
    const entries: number[] = []
    const heaviest = this.scanMembers(c, entries, entering)
    this.enterAtTop(entries, entering, heaviest)
    return entries
  }

  /**
   * Over the members of cycle `c`: the largest total and the own costs' sum per metric (in
   * `cycleTotal`, `ownSum`), the calls entering (`entering`), the members called from outside
   * (`entries`, with their `weight`); returns the member of most own cost.
   */
  private scanMembers(c: number, entries: number[], entering: Float64Array): number {
    const { M, own, enter, cycleTotal, ownSum, weight } = this
    const total = this.g.total
    cycleTotal.fill(0)
    ownSum.fill(0)
    let heaviest = this.members[this.memberStart[c]]
    for (let i = this.memberStart[c]; i < this.memberStart[c + 1]; i++) {
      const v = this.members[i]
      let called = false
      for (let m = 0; m < M; m++) {
        cycleTotal[m] = Math.max(cycleTotal[m], total[v * M + m])
        ownSum[m] += own[v * M + m]
        entering[m] += enter[v * M + m]
        weight[v * M + m] = enter[v * M + m]
        if (enter[v * M + m] > 0) called = true
      }
      if (called) entries.push(v)
      if (own[v * M] > own[heaviest * M]) heaviest = v
    }
    return heaviest
  }

  /**
   * The cycle's cost (totals already estimated, of a graph read back, still give it: the calls
   * entering it, or its members' own costs, never more than the program's); what no entering
   * call accounts for enters at `heaviest`.
   */
  private enterAtTop(entries: number[], entering: Float64Array, heaviest: number): void {
    const { M, cycleTotal, ownSum, weight } = this
    let heaviestCalled = false
    for (let m = 0; m < M; m++) if (this.enter[heaviest * M + m] > 0) heaviestCalled = true
    for (let m = 0; m < M; m++)
      cycleTotal[m] = Math.min(this.program[m], Math.max(cycleTotal[m], entering[m], ownSum[m]))
    const top = new Float64Array(M)
    const none = entries.length === 0
    let anyTop = none
    for (let m = 0; m < M; m++) {
      top[m] = Math.max(0, cycleTotal[m] - entering[m])
      if (top[m] > 0) anyTop = true
    }
    if (!anyTop) return
    if (top.some((t) => t > 0)) this.tops?.set(heaviest, top)
    if (!heaviestCalled) {
      entries.push(heaviest)
      for (let m = 0; m < M; m++) weight[heaviest * M + m] = 0
    }
    for (let m = 0; m < M; m++) weight[heaviest * M + m] += none && top[m] === 0 ? 1 : top[m]
  }

  /** Integrates the current cycle from each of `entries`, their weights normalised over them. */
  follow(entries: readonly number[]): void {
    const { M, weight } = this
    const sum = new Float64Array(M)
    for (const e of entries) for (let m = 0; m < M; m++) sum[m] += weight[e * M + m]
    const factor = new Float64Array(M)
    for (const e of entries) {
      for (let m = 0; m < M; m++) {
        const share = sum[m] > 0 ? weight[e * M + m] / sum[m] : 0
        factor[m] = this.ownSum[m] > 0 ? (share * this.cycleTotal[m]) / this.ownSum[m] : 0
      }
      const reached = this.ranks(e)
      this.deeperCosts(reached)
      this.integrate(reached, factor)
      if (this.paths) this.paths.set(e, this.keep(e, reached, factor))
      this.clearRanks(reached)
    }
  }

  /** Clears the ranks `ranks` set (of the first `reached` members in `queue`). */
  private clearRanks(reached: number): void {
    const { rank, queue } = this
    for (let q = 0; q < reached; q++) rank[queue[q]] = -1
  }

  /** Breadth-first ranks from `entry` along calls inside its cycle; members in `queue`. */
  private ranks(entry: number): number {
    const { rank, queue, outStart, outArcs } = this
    const to = this.g.arcCallee
    let tail = 0
    rank[entry] = 0
    queue[tail++] = entry
    for (let head = 0; head < tail; head++) {
      const v = queue[head]
      for (let k = outStart[v]; k < outStart[v + 1]; k++) {
        const w = to[outArcs[k]]
        if (rank[w] < 0) {
          rank[w] = rank[v] + 1
          queue[tail++] = w
        }
      }
    }
    return tail
  }

  /** Each member's cost of the calls reaching it from one rank nearer the entry. */
  private deeperCosts(reached: number): void {
    const { M, rank, queue, inStart, inArcs, deeperIn, deeperCount } = this
    const { arcCaller: from, arcTotal } = this.g
    for (let q = 0; q < reached; q++) {
      const v = queue[q]
      deeperCount[v] = 0
      for (let m = 0; m < M; m++) deeperIn[v * M + m] = 0
      for (let k = inStart[v]; k < inStart[v + 1]; k++) {
        const a = inArcs[k]
        if (rank[from[a]] !== rank[v] - 1) continue
        deeperCount[v]++
        for (let m = 0; m < M; m++) deeperIn[v * M + m] += arcTotal[a * M + m]
      }
    }
  }

  /** Deepest first: a member's partial is its share of own cost plus what flows up to it. */
  private integrate(reached: number, factor: Float64Array): void {
    const { M, rank, queue, outStart, outArcs, deeperIn, deeperCount } = this
    const { own, partial, flow, estimate } = this
    const { arcCallee: to, arcTotal } = this.g
    for (let q = reached - 1; q >= 0; q--) {
      const v = queue[q]
      for (let m = 0; m < M; m++) partial[v * M + m] = factor[m] * own[v * M + m]
      for (let k = outStart[v]; k < outStart[v + 1]; k++) {
        const a = outArcs[k]
        const u = to[a]
        if (rank[u] !== rank[v] + 1) continue
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

  /** A copy of the spread of `entry` (just followed) over the members of its cycle. */
  private keep(entry: number, reached: number, factor: Float64Array): EntryPath {
    const { M, queue, position } = this
    const c = this.component[entry]
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

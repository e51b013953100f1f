import { edgeColumns, type CallGraph } from './graph.js'
import { stronglyConnected } from './scc.js'

/** The note a reader adds when `estimateCycleTotals` estimated some functions' totals. */
export const CYCLE_TOTALS_NOTE =
  'functions in call cycles (mutual recursion) have estimated totals (marked ~ in drawings): ' +
  'as gprof2dot integrates cycles, the cycle’s cost follows the calls from each entry into ' +
  'it towards the members farther from that entry, in proportion to the calls’ costs; each ' +
  'estimate stays between what is exact (its self plus its calls out of the cycle, or the ' +
  'calls into it from outside) and the whole cycle’s cost'

/**
 * A call graph on typed arrays (function `v`, arc `a`, metric `m`): what `estimateCycleTotals`
 * reads. `total` holds each function's total and is updated in place; a cycle's members carry
 * the cycle's inclusive cost (or less: the largest member total is taken as the cycle's).
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
}

/** At most this many vertex and arc visits for all entries of all cycles (then pooled). */
const WORK_BUDGET = 40_000_000

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
 * — and `T`. Functions outside cycles keep their totals. Runs in O((V + E) · entries) per cycle,
 * with a budget: entries past it (the lightest) have their weight pooled onto the others.
 */
export function estimateCycleTotals(g: CycleGraph): CycleEstimate {
  const n = g.functionCount
  const M = g.metricCount
  const A = g.arcCount
  const { arcCaller: from, arcCallee: to, arcTotal, self, total } = g
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
  let pooled = false
  let cycles = false
  for (let v = 0; v < n; v++) {
    if (size[component[v]] < 2) continue
    estimated[v] = 1
    cycles = true
  }
  if (!cycles) return { estimated, flow, pooled }

  // Members of each cycle, listed together; arcs by caller (CSR of arc indices).
  const [outStart, outArcs] = csr(n, A, from, to, true)
  const [inStart, inArcs] = csr(n, A, to, from, true)
  const memberStart = new Int32Array(n + 1)
  for (let v = 0; v < n; v++) if (estimated[v]) memberStart[component[v] + 1]++
  for (let c = 0; c < n; c++) memberStart[c + 1] += memberStart[c]
  const members = new Int32Array(memberStart[n])
  const fillAt = memberStart.slice(0, n)
  for (let v = 0; v < n; v++) if (estimated[v]) members[fillAt[component[v]]++] = v

  // Per member and metric: own cost (self + calls out of the cycle), cost entering from outside.
  const own = new Float64Array(n * M)
  const enter = new Float64Array(n * M)
  for (let v = 0; v < n; v++) {
    if (!estimated[v]) continue
    for (let m = 0; m < M; m++) own[v * M + m] = self[v * M + m]
    for (let k = outStart[v]; k < outStart[v + 1]; k++) {
      const a = outArcs[k]
      if (component[to[a]] === component[v]) continue
      for (let m = 0; m < M; m++) own[v * M + m] += flow[a * M + m]
    }
    for (let k = inStart[v]; k < inStart[v + 1]; k++) {
      const a = inArcs[k]
      if (component[from[a]] === component[v]) continue
      for (let m = 0; m < M; m++) enter[v * M + m] += arcTotal[a * M + m]
    }
  }

  const rank = new Int32Array(n).fill(-1)
  const queue = new Int32Array(n)
  const partial = new Float64Array(n * M)
  const deeperIn = new Float64Array(n * M)
  const deeperCount = new Int32Array(n)
  const estimate = new Float64Array(n * M)
  const cycleTotal = new Float64Array(M)
  const ownSum = new Float64Array(M)
  const entering = new Float64Array(M)
  let work = 0
  // Component ids are in reverse topological order: a cycle's callees are final before it.
  for (let c = 0; c < n; c++) {
    const first = memberStart[c]
    const last = memberStart[c + 1]
    if (last - first < 2) continue
    cycleTotal.fill(0)
    ownSum.fill(0)
    entering.fill(0)
    let heaviest = members[first]
    let cycleArcs = 0
    for (let i = first; i < last; i++) {
      const v = members[i]
      for (let m = 0; m < M; m++) {
        cycleTotal[m] = Math.max(cycleTotal[m], total[v * M + m])
        ownSum[m] += own[v * M + m]
        entering[m] += enter[v * M + m]
      }
      if (own[v * M] > own[heaviest * M]) heaviest = v
      cycleArcs += outStart[v + 1] - outStart[v]
    }
    // Entries by weight, heaviest first; cost no outside call accounts for enters at `heaviest`.
    const entries: number[] = []
    const weight = new Map<number, Float64Array>()
    for (let i = first; i < last; i++) {
      const v = members[i]
      let any = false
      for (let m = 0; m < M; m++) if (enter[v * M + m] > 0) any = true
      if (any) weight.set(v, enter.slice(v * M, v * M + M))
    }
    const top = new Float64Array(M)
    let anyTop = weight.size === 0
    for (let m = 0; m < M; m++) {
      top[m] = Math.max(0, cycleTotal[m] - entering[m])
      if (top[m] > 0) anyTop = true
    }
    if (anyTop) {
      const w = weight.get(heaviest) ?? new Float64Array(M)
      for (let m = 0; m < M; m++) w[m] += weight.size === 0 && top[m] === 0 ? 1 : top[m]
      weight.set(heaviest, w)
    }
    entries.push(...weight.keys())
    entries.sort((x, y) => weight.get(y)![0] - weight.get(x)![0] || x - y)
    // Follow entries while the budget lasts; the rest's weight is pooled onto those followed.
    const perEntry = 2 * (last - first) + 2 * cycleArcs
    let followed = entries.length
    if (work + perEntry * entries.length > WORK_BUDGET) {
      followed = Math.max(1, Math.floor((WORK_BUDGET - work) / perEntry))
      if (followed < entries.length) pooled = true
      else followed = entries.length
    }
    const weightSum = new Float64Array(M)
    for (let i = 0; i < followed; i++) {
      const w = weight.get(entries[i])!
      for (let m = 0; m < M; m++) weightSum[m] += w[m]
    }
    for (let i = 0; i < followed; i++) {
      const entry = entries[i]
      work += perEntry
      // Ranks: breadth-first from the entry along calls inside the cycle.
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
      // Each member's cost of the calls reaching it from one rank nearer the entry.
      for (let q = 0; q < tail; q++) {
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
      // Deepest first: a member's partial is its share of own cost plus what flows up to it.
      const w = weight.get(entry)!
      for (let q = tail - 1; q >= 0; q--) {
        const v = queue[q]
        for (let m = 0; m < M; m++) {
          const share = weightSum[m] > 0 ? w[m] / weightSum[m] : 0
          const scale = ownSum[m] > 0 ? cycleTotal[m] / ownSum[m] : 0
          partial[v * M + m] = share * scale * own[v * M + m]
        }
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
      for (let q = 0; q < tail; q++) rank[queue[q]] = -1
    }
    for (let i = first; i < last; i++) {
      const v = members[i]
      for (let m = 0; m < M; m++) {
        const lower = Math.max(own[v * M + m], enter[v * M + m], self[v * M + m])
        const upper = Math.max(cycleTotal[m], self[v * M + m])
        total[v * M + m] = Math.min(upper, Math.max(lower, estimate[v * M + m]))
      }
    }
  }
  return { estimated, flow, pooled }
}

/**
 * `estimateCycleTotals` on a `CallGraph`: the estimated totals (a copy of each node's `total`
 * array, by node position) and flows per edge (in `edgeColumns` order). The graph is unchanged.
 */
export function graphCycleEstimate(
  graph: CallGraph,
  metricCount: number,
): CycleEstimate & { total: Float64Array } {
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
  const result = estimateCycleTotals({
    functionCount: nodes.length,
    metricCount: M,
    arcCount: columns.length,
    arcCaller,
    arcCallee,
    arcTotal,
    self,
    total,
  })
  return { ...result, total }
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

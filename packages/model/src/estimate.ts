import { graphOf } from './derive.js'
import { graphTotals, type CallGraph } from './graph.js'
import { cycleGraphOf, estimateCycleTotals, type EntryPath } from './cycles.js'
import type { Profile } from './profile.js'
import { SamplesBuilder, stacklessCost, type Samples } from './samples.js'

export interface EstimateOptions {
  /** Paths whose share of every metric's total is below this fraction are cut. Default 1e-6. */
  cutFraction?: number
  /** At most this many stack nodes are built; deeper paths are cut past it. Default 1,000,000. */
  maxNodes?: number
}

/** Estimated stacks, and the share of each metric's self cost that no path reached. */
export interface Estimate {
  samples: Samples
  /** Per metric, the fraction of the total placed as one-frame stacks (no path reached it). */
  unplaced: number[]
  /**
   * Per metric, the fraction of the total on paths too small to follow, added to the stack where
   * its function was reached with the most weight.
   */
  attached: number[]
}

/** The note `withSamples` adds when it had to estimate stacks. */
export const ESTIMATED_STACKS_NOTE =
  'call stacks were estimated from the call graph (each call shared among its callers in ' +
  'proportion to the per-edge totals, through call cycles along the calls the cycle ' +
  'integration follows); per-function self cost is exact, inclusive cost is exact only where ' +
  'the graph has no recursion'

/** The profile itself if it has samples; else a copy with stacks estimated from its graph. */
export function withSamples(profile: Profile, options?: EstimateOptions): Profile {
  if (profile.samples || !profile.graph) return profile
  const { samples, unplaced, attached } = estimateSamples(
    profile.graph,
    profile.metrics.length,
    options,
  )
  const notes = [...profile.meta.notes, ESTIMATED_STACKS_NOTE]
  const lost = unplaced[profile.defaultMetric] ?? 0
  if (lost > 1e-9) {
    notes.push(
      `${(lost * 100).toFixed(3)}% of the total sits in functions no estimated path from a root reaches: it is kept as one-frame stacks`,
    )
  }
  const moved = attached[profile.defaultMetric] ?? 0
  if (moved > 1e-3) {
    notes.push(
      `${(moved * 100).toFixed(3)}% of the total was on paths too small or too many to follow: each function's part of it was added where a path reached that function with the most weight`,
    )
  }
  return { ...profile, samples, meta: { ...profile.meta, notes } }
}

/**
 * The profile itself if it has a graph; else a copy with the graph derived (exactly). Samples
 * without a stack (austin's threads without Python frames, pprof samples without locations)
 * are in no function: their cost is left out of the graph, with a note.
 */
export function withGraph(profile: Profile): Profile {
  if (profile.graph) return profile
  const graph = graphOf(profile)
  const samples = profile.samples
  if (!samples) return { ...profile, graph }
  const m = profile.defaultMetric
  const { count, cost } = stacklessCost(samples, m)
  if (count === 0) return { ...profile, graph }
  let all = 0
  for (const v of samples.values[m]) all += v
  const share = all === 0 ? 0 : (100 * cost[m]) / all
  const note = `${count} sample(s) without a stack (${Number(share.toPrecision(3))}% of ${profile.metrics[m].name}) are in no function: left out of the call graph`
  return { ...profile, graph, meta: { ...profile.meta, notes: [...profile.meta.notes, note] } }
}

/** What a cycle member passes on along a followed entry: its partial, per call what it sends. */
interface Spread {
  total: Float64Array
  /** Per call of the member (in its list of calls) and metric. */
  calls: Float64Array
}

/**
 * Estimates weighted stacks from a call graph (DESIGN.md §2): start at functions with no
 * callers; a function's inclusive weight on a path is split between its self cost and its
 * callees in proportion to self and per-edge totals; a function already on the path is not
 * entered again; paths below `cutFraction` of the total are cut. A path that enters a call
 * cycle follows the cycle integration from that entry (`estimateCycleTotals`): it goes deeper
 * along the calls the integration sent cost up, in proportion to what each sent, and the
 * members' self costs and calls out of the cycle are placed on the way, so cost entered from
 * the root stays under the root. A cycle's cost that no call from outside accounts for (nobody
 * outside calls it, as Python's importlib calling exec which runs the program) starts at the
 * member the integration enters it at. (Where an entry was not followed, a call inside the
 * cycle carries the integration's flow along it.) Whatever self cost no path reached is added
 * as a one-frame stack, so every function's self is kept. At most `maxNodes` stack nodes are
 * built, so the output stays bounded on any graph. Runs on typed arrays by node position.
 */
export function estimateSamples(
  graph: CallGraph,
  metricCount: number,
  { cutFraction = 1e-6, maxNodes = 1_000_000 }: EstimateOptions = {},
): Estimate {
  const M = metricCount
  const N = graph.nodes.length
  const g = cycleGraphOf(graph, M)
  const { arcCaller: from, arcCallee: to, arcTotal, self, component } = g
  const A = g.arcCount
  const frameOf = Int32Array.from(graph.nodes, (n) => n.frame)
  // The source's totals (the integration below overwrites `g.total` with its estimates).
  const measured = g.total.slice()
  const size = new Int32Array(N)
  for (let v = 0; v < N; v++) size[component[v]]++
  const inCycle = new Uint8Array(N)
  let cycles = false
  for (let v = 0; v < N; v++)
    if (size[component[v]] > 1) {
      inCycle[v] = 1
      cycles = true
    }
  const integration = cycles ? estimateCycleTotals(g, true) : undefined
  // Each function's calls (self-calls left out) in edge order, and what each call carries: its
  // cost, or inside a cycle the integration's flow along it.
  const outStart = new Int32Array(N + 1)
  const hasCaller = new Uint8Array(N)
  for (let a = 0; a < A; a++)
    if (from[a] !== to[a]) {
      outStart[from[a] + 1]++
      hasCaller[to[a]] = 1
    }
  for (let v = 0; v < N; v++) outStart[v + 1] += outStart[v]
  const outArc = new Int32Array(outStart[N])
  const fill = outStart.slice(0, N)
  for (let a = 0; a < A; a++) if (from[a] !== to[a]) outArc[fill[from[a]]++] = a
  const isCycleArc = new Uint8Array(A)
  const flow = arcTotal.slice()
  for (let a = 0; a < A; a++)
    if (from[a] !== to[a] && component[from[a]] === component[to[a]]) {
      isCycleArc[a] = 1
      for (let m = 0; m < M; m++) flow[a * M + m] = integration!.flow[a * M + m]
    }
  // A function whose total the source left at 0 (the `profile` module's fake top frame) still
  // passes on what its calls carry; a cycle member outside a followed entry splits its weight
  // by its self and flows.
  const totalOf = new Float64Array(N * M)
  for (let v = 0; v < N; v++)
    for (let m = 0; m < M; m++) {
      const t = measured[v * M + m]
      if (t > 0 && !inCycle[v]) totalOf[v * M + m] = t
      else {
        let carried = self[v * M + m]
        for (let k = outStart[v]; k < outStart[v + 1]; k++) carried += flow[outArc[k] * M + m]
        totalOf[v * M + m] = carried
      }
    }
  // Followed entries of cycles, by id.
  const pathList: EntryPath[] = []
  const pathOf = new Int32Array(N).fill(-1)
  for (const [v, path] of integration?.paths ?? []) {
    pathOf[v] = pathList.length
    pathList.push(path)
  }
  const grand = graphTotals(graph, M)
  // Roots: functions nobody calls (weighted by their totals), and each cycle's cost no outside
  // call accounts for, at the member the integration enters it at.
  const roots: { v: number; weight: Float64Array }[] = []
  for (let v = 0; v < N; v++) {
    if (hasCaller[v]) continue
    const weight = new Float64Array(M)
    for (let m = 0; m < M; m++) weight[m] = Math.max(totalOf[v * M + m], measured[v * M + m])
    roots.push({ v, weight })
  }
  for (const [v, top] of integration?.tops ?? []) roots.push({ v, weight: top })
  // No function's self is placed twice: recursion in the source can promise callees more
  // than there is (cProfile counts a recursive edge's time again at every level).
  const selfLeft = self.slice()

  const builder = new SamplesBuilder(M)
  const onPath = new Uint8Array(N)
  // Weights start at the roots' totals; the cut is relative to them (or to the self sum).
  const scale = grand.map((t, m) => {
    let start = 0
    for (const r of roots) start += hasCaller[r.v] ? r.weight[m] : measured[r.v * M + m]
    return Math.max(t, start)
  })
  const isSignificant = (w: Float64Array, at: number) => {
    if (builder.tree.length >= maxNodes) return false
    for (let m = 0; m < M; m++) if (scale[m] > 0 && w[at + m] >= cutFraction * scale[m]) return true
    return false
  }
  // Where a followed entry's spread says what a member passes on: per metric the denominator
  // (its partial) and per call what goes along it (made once per member and entry).
  const spreads = pathList.map(() => new Map<number, Spread>())
  const spread = (v: number, pid: number): Spread => {
    const byVertex = spreads[pid]
    let found = byVertex.get(v)
    if (found) return found
    const path = pathList[pid]
    const member = integration!.member!
    const i = member[v] - path.first
    const calls = new Float64Array((outStart[v + 1] - outStart[v]) * M)
    for (let k = outStart[v]; k < outStart[v + 1]; k++) {
      const a = outArc[k]
      const at = (k - outStart[v]) * M
      if (!isCycleArc[a])
        for (let m = 0; m < M; m++) calls[at + m] = flow[a * M + m] * path.factor[m]
      else {
        const j = member[to[a]] - path.first
        if (path.rank[j] === path.rank[i] + 1)
          for (let m = 0; m < M; m++) {
            const into = path.deeperIn[j * M + m]
            calls[at + m] = into > 0 ? (arcTotal[a * M + m] / into) * path.partial[j * M + m] : 0
          }
      }
    }
    found = { total: path.partial.subarray(i * M, i * M + M), calls }
    byVertex.set(v, found)
    return found
  }
  // Per function, the stack node where a path reached it with the most weight.
  const heaviestWeight = new Float64Array(N).fill(-1)
  const heaviestNode = new Int32Array(N).fill(-1)

  // Explicit stack of functions to enter (vertex, parent node, followed entry, weight per
  // metric), and markers to take a function off the path (vertex -1 - v).
  let capacity = 1024
  let stackV = new Int32Array(capacity)
  let stackNode = new Int32Array(capacity)
  let stackPath = new Int32Array(capacity)
  let stackWeight = new Float64Array(capacity * M)
  let sp = 0
  const reserve = () => {
    if (sp < capacity) return
    capacity *= 2
    const grow = <T extends Int32Array | Float64Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n)
      b.set(a)
      return b
    }
    stackV = grow(stackV, capacity)
    stackNode = grow(stackNode, capacity)
    stackPath = grow(stackPath, capacity)
    stackWeight = grow(stackWeight, capacity * M)
  }
  for (let r = roots.length - 1; r >= 0; r--) {
    reserve()
    stackV[sp] = roots[r].v
    stackNode[sp] = -1
    stackPath[sp] = pathOf[roots[r].v]
    stackWeight.set(roots[r].weight, sp * M)
    sp++
  }
  const weight = new Float64Array(M)
  const ratio = new Float64Array(M)
  const placedSelf = new Float64Array(M)
  while (sp > 0) {
    sp--
    const v = stackV[sp]
    if (v < 0) {
      onPath[-1 - v] = 0
      continue
    }
    const pid = stackPath[sp]
    for (let m = 0; m < M; m++) weight[m] = stackWeight[sp * M + m]
    const node = builder.tree.child(stackNode[sp], frameOf[v])
    if (weight[0] > heaviestWeight[v]) {
      heaviestWeight[v] = weight[0]
      heaviestNode[v] = node
    }
    const within = pid >= 0 ? spread(v, pid) : undefined
    const factor = pid >= 0 ? pathList[pid].factor : undefined
    let placed = false
    for (let m = 0; m < M; m++) {
      const total = within ? within.total[m] : totalOf[v * M + m]
      ratio[m] = total > 0 ? Math.min(1, weight[m] / total) : 0
      const share = factor ? self[v * M + m] * factor[m] : self[v * M + m]
      placedSelf[m] = Math.min(share * ratio[m], selfLeft[v * M + m])
      selfLeft[v * M + m] -= placedSelf[m]
      if (placedSelf[m] !== 0) placed = true
    }
    onPath[v] = 1
    stackV[sp++] = -1 - v // the slot just popped: always free
    for (let k = outStart[v + 1] - 1; k >= outStart[v]; k--) {
      const a = outArc[k]
      const u = to[a]
      if (onPath[u]) continue
      reserve()
      const carry = within ? within.calls : flow
      const at = within ? (k - outStart[v]) * M : a * M
      for (let m = 0; m < M; m++) stackWeight[sp * M + m] = carry[at + m] * ratio[m]
      if (!isSignificant(stackWeight, sp * M)) continue
      stackV[sp] = u
      stackNode[sp] = node
      // Inside a cycle the same entry's spread; into a cycle from outside, the entry's own.
      stackPath[sp] = isCycleArc[a] ? pid : inCycle[u] ? pathOf[u] : -1
      sp++
    }
    if (placed) builder.add(node, placedSelf)
  }
  // Self cost no path placed (the paths were cut) goes where its function was reached with the
  // most weight; that of functions no path reached becomes a one-frame stack.
  const unplaced = new Array<number>(M).fill(0)
  const attached = new Array<number>(M).fill(0)
  const rest = new Float64Array(M)
  for (let v = 0; v < N; v++) {
    let any = false
    for (let m = 0; m < M; m++) {
      rest[m] = Math.max(0, selfLeft[v * M + m])
      if (rest[m] > 1e-12 * Math.abs(self[v * M + m])) any = true
    }
    if (!any) continue
    const at = heaviestNode[v]
    if (at >= 0) builder.add(at, rest)
    else builder.addStack([frameOf[v]], rest)
    const share = at >= 0 ? attached : unplaced
    for (let m = 0; m < M; m++) share[m] += grand[m] > 0 ? rest[m] / grand[m] : 0
  }
  return { samples: builder.finish(), unplaced, attached }
}

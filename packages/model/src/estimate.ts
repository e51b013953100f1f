import { graphOf } from './derive.js'
import { graphTotals, type CallGraph } from './graph.js'
import type { Profile } from './profile.js'
import { SamplesBuilder, type Samples } from './samples.js'

export interface EstimateOptions {
  /** Paths whose share of every metric's total is below this fraction are cut. Default 1e-6. */
  cutFraction?: number
  /** At most this many stack nodes are built; deeper paths are cut past it. Default 1,000,000. */
  maxNodes?: number
}

/** Estimated stacks, and the share of each metric's self cost that no path reached. */
export interface Estimate {
  samples: Samples
  /** Per metric, the fraction of the total placed as one-frame stacks (cut or unreachable). */
  unplaced: number[]
}

/** The note `withSamples` adds when it had to estimate stacks. */
export const ESTIMATED_STACKS_NOTE =
  'call stacks were estimated from the call graph (each call shared among its callers in ' +
  'proportion to the per-edge totals); per-function self cost is exact, inclusive cost is ' +
  'exact only where the graph has no recursion'

/** The profile itself if it has samples; else a copy with stacks estimated from its graph. */
export function withSamples(profile: Profile, options?: EstimateOptions): Profile {
  if (profile.samples || !profile.graph) return profile
  const { samples, unplaced } = estimateSamples(profile.graph, profile.metrics.length, options)
  const notes = [...profile.meta.notes, ESTIMATED_STACKS_NOTE]
  const lost = unplaced[profile.defaultMetric] ?? 0
  if (lost > 1e-9) {
    notes.push(
      `${(lost * 100).toFixed(3)}% of the total sits in stacks cut short (paths too small or too many to follow, or behind a cycle): it is kept as one-frame stacks`,
    )
  }
  return { ...profile, samples, meta: { ...profile.meta, notes } }
}

/** The profile itself if it has a graph; else a copy with the graph derived (exactly). */
export function withGraph(profile: Profile): Profile {
  return profile.graph ? profile : { ...profile, graph: graphOf(profile) }
}

interface Pending {
  frame: number
  node: number
  weight: Float64Array
}

/**
 * Estimates weighted stacks from a call graph (DESIGN.md §2): start at functions with no
 * callers; a function's inclusive weight on a path is split between its self cost and its
 * callees in proportion to self and per-edge totals; a function already on the path is not
 * entered again; paths below `cutFraction` of the total are cut. Whatever self
 * cost no path reached is added as a one-frame stack, so every function's self is kept.
 * At most `maxNodes` stack nodes are built, so the output stays bounded on any graph.
 */
export function estimateSamples(
  graph: CallGraph,
  metricCount: number,
  { cutFraction = 1e-6, maxNodes = 1_000_000 }: EstimateOptions = {},
): Estimate {
  const M = metricCount
  const nodeOf = new Map(graph.nodes.map((n) => [n.frame, n]))
  const out = new Map<number, { callee: number; total: number[] }[]>()
  const hasCaller = new Set<number>()
  for (const e of graph.edges) {
    if (e.caller === e.callee) continue
    if (!out.has(e.caller)) out.set(e.caller, [])
    out.get(e.caller)!.push({ callee: e.callee, total: e.total })
    hasCaller.add(e.callee)
  }
  const grand = graphTotals(graph, M)
  let roots = graph.nodes.filter((n) => !hasCaller.has(n.frame))
  if (roots.length === 0 && graph.nodes.length > 0) {
    roots = [graph.nodes.reduce((a, b) => (b.total[0] > a.total[0] ? b : a))]
  }

  const builder = new SamplesBuilder(M)
  const emittedSelf = new Map<number, Float64Array>()
  const onPath = new Set<number>()
  // Weights start at the roots' totals; the cut is relative to them (or to the self sum).
  const scale = grand.map((g, m) =>
    Math.max(
      g,
      roots.reduce((s, r) => s + r.total[m], 0),
    ),
  )
  const isSignificant = (w: Float64Array) =>
    builder.tree.length < maxNodes && w.some((v, m) => scale[m] > 0 && v >= cutFraction * scale[m])

  // Explicit stack of frames to enter, and markers to take a frame off the path.
  const work: (Pending | { leave: number })[] = []
  for (const root of roots) {
    work.push({ frame: root.frame, node: -1, weight: Float64Array.from(root.total) })
  }
  while (work.length > 0) {
    const item = work.pop()!
    if ('leave' in item) {
      onPath.delete(item.leave)
      continue
    }
    const { frame, weight } = item
    const g = nodeOf.get(frame)!
    const node = builder.tree.child(item.node, frame)
    const ratio = weight.map((w, m) => (g.total[m] > 0 ? w / g.total[m] : 0))
    const self = ratio.map((r, m) => g.self[m] * r)
    const children: Pending[] = []
    const childSum = new Float64Array(M)
    for (const e of out.get(frame) ?? []) {
      if (onPath.has(e.callee) || e.callee === frame) continue
      const share = ratio.map((r, m) => e.total[m] * r)
      children.push({ frame: e.callee, node, weight: share })
      share.forEach((v, m) => (childSum[m] += v))
    }
    // Inconsistent sources (recursion in cProfile) can promise callees more than there is.
    for (let m = 0; m < M; m++) {
      const room = Math.max(0, weight[m] - self[m])
      if (childSum[m] > room) for (const c of children) c.weight[m] *= room / childSum[m]
    }
    onPath.add(frame)
    work.push({ leave: frame })
    for (let i = children.length - 1; i >= 0; i--) {
      if (isSignificant(children[i].weight)) work.push(children[i])
    }
    if (self.some((v) => v !== 0)) {
      builder.add(node, self)
      const sum = emittedSelf.get(frame) ?? new Float64Array(M)
      self.forEach((v, m) => (sum[m] += v))
      emittedSelf.set(frame, sum)
    }
  }
  // Self cost that no path reached (cut away, or behind a cycle) becomes a one-frame stack.
  const unplaced = new Array<number>(M).fill(0)
  for (const g of graph.nodes) {
    const emitted = emittedSelf.get(g.frame) ?? new Float64Array(M)
    const rest = g.self.map((s, m) => Math.max(0, s - emitted[m]))
    if (rest.some((v, m) => v > 1e-9 * Math.max(1, Math.abs(g.self[m])))) {
      builder.addStack([g.frame], rest)
      rest.forEach((v, m) => (unplaced[m] += grand[m] > 0 ? v / grand[m] : 0))
    }
  }
  return { samples: builder.finish(), unplaced }
}

import { graphOf } from './derive.js'
import { graphTotals, type CallGraph, type GraphNode } from './graph.js'
import { graphComponents } from './scc.js'
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
  const component = graphComponents(graph)
  const calledFromOutside = new Set<number>()
  const hasCaller = new Set<number>()
  for (const e of graph.edges) {
    if (e.caller === e.callee) continue
    if (!out.has(e.caller)) out.set(e.caller, [])
    out.get(e.caller)!.push({ callee: e.callee, total: e.total })
    hasCaller.add(e.callee)
    if (component.get(e.caller) !== component.get(e.callee)) {
      calledFromOutside.add(component.get(e.callee)!)
    }
  }
  const grand = graphTotals(graph, M)
  // Roots: functions nobody calls, and the heaviest function of every cycle nobody outside
  // calls (Python's importlib calls exec, which runs the program: a cycle at the very top).
  const roots = graph.nodes.filter((n) => !hasCaller.has(n.frame))
  const topCycles = new Map<number, GraphNode>()
  for (const n of graph.nodes) {
    const c = component.get(n.frame)!
    if (!hasCaller.has(n.frame) || calledFromOutside.has(c)) continue
    const best = topCycles.get(c)
    if (!best || n.total[0] > best.total[0]) topCycles.set(c, n)
  }
  roots.push(...topCycles.values())
  // No function's self is placed twice: recursion in the source can promise callees more
  // than there is (cProfile counts a recursive edge's time again at every level).
  const selfLeft = new Map(graph.nodes.map((n) => [n.frame, Float64Array.from(n.self)]))
  // A function whose total the source left at 0 (the `profile` module's fake top frame) still
  // passes on what its calls carry.
  const totalOf = new Map(
    graph.nodes.map((n) => [
      n.frame,
      n.total.map((t, m) =>
        t > 0 ? t : n.self[m] + (out.get(n.frame) ?? []).reduce((s, e) => s + e.total[m], 0),
      ),
    ]),
  )

  const builder = new SamplesBuilder(M)
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
    work.push({ frame: root.frame, node: -1, weight: Float64Array.from(totalOf.get(root.frame)!) })
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
    const total = totalOf.get(frame)!
    const ratio = weight.map((w, m) => (total[m] > 0 ? Math.min(1, w / total[m]) : 0))
    const left = selfLeft.get(frame)!
    const self = ratio.map((r, m) => Math.min(g.self[m] * r, left[m]))
    self.forEach((v, m) => (left[m] -= v))
    const children: Pending[] = []
    for (const e of out.get(frame) ?? []) {
      if (onPath.has(e.callee) || e.callee === frame) continue
      children.push({ frame: e.callee, node, weight: ratio.map((r, m) => e.total[m] * r) })
    }
    onPath.add(frame)
    work.push({ leave: frame })
    for (let i = children.length - 1; i >= 0; i--) {
      if (isSignificant(children[i].weight)) work.push(children[i])
    }
    if (self.some((v) => v !== 0)) builder.add(node, self)
  }
  // Self cost that no path reached (cut away, or behind a cycle) becomes a one-frame stack.
  const unplaced = new Array<number>(M).fill(0)
  for (const g of graph.nodes) {
    const rest = Array.from(selfLeft.get(g.frame)!, (v) => Math.max(0, v))
    if (rest.some((v, m) => v > 1e-12 * Math.abs(g.self[m]))) {
      builder.addStack([g.frame], rest)
      rest.forEach((v, m) => (unplaced[m] += grand[m] > 0 ? v / grand[m] : 0))
    }
  }
  return { samples: builder.finish(), unplaced }
}

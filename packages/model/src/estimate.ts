import { graphOf } from './derive.js'
import { graphTotals, type CallGraph, type GraphNode } from './graph.js'
import { graphCycleEstimate, type EntryPath } from './cycles.js'
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

/** The profile itself if it has a graph; else a copy with the graph derived (exactly). */
export function withGraph(profile: Profile): Profile {
  return profile.graph ? profile : { ...profile, graph: graphOf(profile) }
}

interface Pending {
  frame: number
  node: number
  weight: Float64Array
  /** The followed entry of the cycle the path is in, if any. */
  path?: EntryPath
}

/** A call as the walk sees it: its measured cost, what it carries (`flow`), inside a cycle. */
interface Call {
  callee: number
  total: number[]
  flow: ArrayLike<number>
  cycle: boolean
}

/**
 * Estimates weighted stacks from a call graph (DESIGN.md §2): start at functions with no
 * callers; a function's inclusive weight on a path is split between its self cost and its
 * callees in proportion to self and per-edge totals; a function already on the path is not
 * entered again; paths below `cutFraction` of the total are cut. A path that enters a call
 * cycle follows the cycle integration from that entry (`estimateCycleTotals`): it goes deeper
 * along the calls the integration sent cost up, in proportion to what each sent, and the
 * members' self costs and calls out of the cycle are placed on the way, so cost entered from
 * the root stays under the root. (Where an entry was not followed, a call inside the cycle
 * carries the integration's flow along it.) Whatever self cost no path reached is added as a
 * one-frame stack, so every function's self is kept. At most `maxNodes` stack nodes are built,
 * so the output stays bounded on any graph.
 */
export function estimateSamples(
  graph: CallGraph,
  metricCount: number,
  { cutFraction = 1e-6, maxNodes = 1_000_000 }: EstimateOptions = {},
): Estimate {
  const M = metricCount
  const nodeOf = new Map(graph.nodes.map((n) => [n.frame, n]))
  const vertex = new Map(graph.nodes.map((n, v) => [n.frame, v]))
  const out = new Map<number, Call[]>()
  const component = graphComponents(graph)
  const size = new Map<number, number>()
  for (const c of component.values()) size.set(c, (size.get(c) ?? 0) + 1)
  const inCycle = (frame: number) => size.get(component.get(frame)!)! > 1
  const cycles = graph.nodes.some((n) => inCycle(n.frame))
  const integration = cycles ? graphCycleEstimate(graph, M, true) : undefined
  const calledFromOutside = new Set<number>()
  const hasCaller = new Set<number>()
  graph.edges.forEach((e, i) => {
    if (e.caller === e.callee) return
    if (!out.has(e.caller)) out.set(e.caller, [])
    const cycle = component.get(e.caller) === component.get(e.callee)
    const flow = cycle ? integration!.flow.subarray(i * M, i * M + M) : e.total
    out.get(e.caller)!.push({ callee: e.callee, total: e.total, flow, cycle })
    hasCaller.add(e.callee)
    if (!cycle) calledFromOutside.add(component.get(e.callee)!)
  })
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
  // passes on what its calls carry; a cycle member outside a followed entry splits its weight
  // by its self and flows.
  const carried = (n: GraphNode, m: number) =>
    n.self[m] + (out.get(n.frame) ?? []).reduce((s, e) => s + e.flow[m], 0)
  const totalOf = new Map(
    graph.nodes.map((n) => [
      n.frame,
      n.total.map((t, m) => (t > 0 && !inCycle(n.frame) ? t : carried(n, m))),
    ]),
  )

  const builder = new SamplesBuilder(M)
  // Per function, the stack node where a path reached it with the most weight (first metric).
  const heaviest = new Map<number, { node: number; weight: number }>()
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
  // Where a followed entry's spread says what a member passes on: per metric the denominator
  // (its partial), the factor on its self and calls out, and per call what goes along it.
  const spread = (frame: number, path: EntryPath) => {
    const v = vertex.get(frame)!
    const i = integration!.member![v] - path.first
    const calls = (out.get(frame) ?? []).map((e) => {
      if (!e.cycle) return Float64Array.from(e.flow, (f, m) => f * path.factor[m])
      const j = integration!.member![vertex.get(e.callee)!] - path.first
      if (path.rank[j] !== path.rank[i] + 1) return new Float64Array(M)
      return Float64Array.from(path.partial.subarray(j * M, j * M + M), (p, m) => {
        const into = path.deeperIn[j * M + m]
        return into > 0 ? (e.total[m] / into) * p : 0
      })
    })
    return { total: path.partial.subarray(i * M, i * M + M), self: path.factor, calls }
  }

  // Explicit stack of frames to enter, and markers to take a frame off the path.
  const work: (Pending | { leave: number })[] = []
  for (const root of roots) {
    const weight = Float64Array.from(totalOf.get(root.frame)!, (t, m) => Math.max(t, root.total[m]))
    work.push({
      frame: root.frame,
      node: -1,
      weight,
      path: integration?.paths?.get(vertex.get(root.frame)!),
    })
  }
  while (work.length > 0) {
    const item = work.pop()!
    if ('leave' in item) {
      onPath.delete(item.leave)
      continue
    }
    const { frame, weight, path } = item
    const g = nodeOf.get(frame)!
    const node = builder.tree.child(item.node, frame)
    const best = heaviest.get(frame)
    if (!best || weight[0] > best.weight) heaviest.set(frame, { node, weight: weight[0] })
    const within = path && spread(frame, path)
    const total = within ? within.total : totalOf.get(frame)!
    const ratio = weight.map((w, m) => (total[m] > 0 ? Math.min(1, w / total[m]) : 0))
    const left = selfLeft.get(frame)!
    const selfShare = (m: number) => (within ? g.self[m] * within.self[m] : g.self[m])
    const self = ratio.map((r, m) => Math.min(selfShare(m) * r, left[m]))
    self.forEach((v, m) => (left[m] -= v))
    const children: Pending[] = []
    ;(out.get(frame) ?? []).forEach((e, k) => {
      if (onPath.has(e.callee)) return
      const carry = within ? within.calls[k] : e.flow
      // Into a cycle from outside it: the entry's spread, where followed.
      const next = e.cycle ? path : integration?.paths?.get(vertex.get(e.callee)!)
      children.push({
        frame: e.callee,
        node,
        weight: ratio.map((r, m) => carry[m] * r),
        path: e.cycle || inCycle(e.callee) ? next : undefined,
      })
    })
    onPath.add(frame)
    work.push({ leave: frame })
    for (let i = children.length - 1; i >= 0; i--) {
      if (isSignificant(children[i].weight)) work.push(children[i])
    }
    if (self.some((v) => v !== 0)) builder.add(node, self)
  }
  // Self cost no path placed (the paths were cut) goes where its function was reached with the
  // most weight; that of functions no path reached becomes a one-frame stack.
  const unplaced = new Array<number>(M).fill(0)
  const attached = new Array<number>(M).fill(0)
  for (const g of graph.nodes) {
    const rest = Array.from(selfLeft.get(g.frame)!, (v) => Math.max(0, v))
    if (!rest.some((v, m) => v > 1e-12 * Math.abs(g.self[m]))) continue
    const at = heaviest.get(g.frame)
    if (at) builder.add(at.node, rest)
    else builder.addStack([g.frame], rest)
    const share = at ? attached : unplaced
    rest.forEach((v, m) => (share[m] += grand[m] > 0 ? v / grand[m] : 0))
  }
  return { samples: builder.finish(), unplaced, attached }
}

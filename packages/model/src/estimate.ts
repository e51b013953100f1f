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
  /** From outside a cycle into one of its members. */
  entersCycle: boolean
}

/** What a cycle member passes on along a followed entry: its partial, per call what it sends. */
interface Spread {
  total: Float64Array
  calls: Float64Array[]
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
  const entryPath = (frame: number) => integration?.paths?.get(vertex.get(frame)!)
  const calledFromOutside = new Set<number>()
  const hasCaller = new Set<number>()
  graph.edges.forEach((e, i) => {
    if (e.caller === e.callee) return
    if (!out.has(e.caller)) out.set(e.caller, [])
    const cycle = component.get(e.caller) === component.get(e.callee)
    const flow = cycle ? integration!.flow.subarray(i * M, i * M + M) : e.total
    const entersCycle = !cycle && inCycle(e.callee)
    out.get(e.caller)!.push({ callee: e.callee, total: e.total, flow, cycle, entersCycle })
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
  const onPath = new Set<number>()
  // Weights start at the roots' totals; the cut is relative to them (or to the self sum).
  const scale = grand.map((g, m) =>
    Math.max(
      g,
      roots.reduce((s, r) => s + r.total[m], 0),
    ),
  )
  const isSignificant = (w: Float64Array) => {
    if (builder.tree.length >= maxNodes) return false
    for (let m = 0; m < M; m++) if (scale[m] > 0 && w[m] >= cutFraction * scale[m]) return true
    return false
  }
  // Where a followed entry's spread says what a member passes on: per metric the denominator
  // (its partial) and per call what goes along it (made once per member and entry).
  const spreads = new Map<EntryPath, Map<number, Spread>>()
  const spread = (frame: number, path: EntryPath): Spread => {
    let byFrame = spreads.get(path)
    if (!byFrame) spreads.set(path, (byFrame = new Map()))
    let found = byFrame.get(frame)
    if (found) return found
    const member = integration!.member!
    const i = member[vertex.get(frame)!] - path.first
    const calls = (out.get(frame) ?? []).map((e) => {
      const along = new Float64Array(M)
      if (!e.cycle) for (let m = 0; m < M; m++) along[m] = e.flow[m] * path.factor[m]
      else {
        const j = member[vertex.get(e.callee)!] - path.first
        if (path.rank[j] === path.rank[i] + 1)
          for (let m = 0; m < M; m++) {
            const into = path.deeperIn[j * M + m]
            along[m] = into > 0 ? (e.total[m] / into) * path.partial[j * M + m] : 0
          }
      }
      return along
    })
    found = { total: path.partial.subarray(i * M, i * M + M), calls }
    byFrame.set(frame, found)
    return found
  }
  // Per function (by frame id), the stack node where a path reached it with the most weight.
  let maxFrame = 0
  for (const n of graph.nodes) maxFrame = Math.max(maxFrame, n.frame)
  const heaviestWeight = new Float64Array(maxFrame + 1).fill(-1)
  const heaviestNode = new Int32Array(maxFrame + 1).fill(-1)

  // Explicit stack of frames to enter, and markers to take a frame off the path.
  const work: (Pending | { leave: number })[] = []
  for (const root of roots) {
    const weight = Float64Array.from(totalOf.get(root.frame)!, (t, m) => Math.max(t, root.total[m]))
    work.push({ frame: root.frame, node: -1, weight, path: entryPath(root.frame) })
  }
  const ratio = new Float64Array(M)
  const self = new Float64Array(M)
  while (work.length > 0) {
    const item = work.pop()!
    if ('leave' in item) {
      onPath.delete(item.leave)
      continue
    }
    const { frame, weight, path } = item
    const g = nodeOf.get(frame)!
    const node = builder.tree.child(item.node, frame)
    if (weight[0] > heaviestWeight[frame]) {
      heaviestWeight[frame] = weight[0]
      heaviestNode[frame] = node
    }
    const within = path && spread(frame, path)
    const total = within ? within.total : totalOf.get(frame)!
    const left = selfLeft.get(frame)!
    let placed = false
    for (let m = 0; m < M; m++) {
      ratio[m] = total[m] > 0 ? Math.min(1, weight[m] / total[m]) : 0
      const share = within ? g.self[m] * path.factor[m] : g.self[m]
      self[m] = Math.min(share * ratio[m], left[m])
      left[m] -= self[m]
      if (self[m] !== 0) placed = true
    }
    const calls = out.get(frame)
    onPath.add(frame)
    work.push({ leave: frame })
    if (calls)
      for (let k = calls.length - 1; k >= 0; k--) {
        const e = calls[k]
        if (onPath.has(e.callee)) continue
        const carry = within ? within.calls[k] : e.flow
        const child = new Float64Array(M)
        for (let m = 0; m < M; m++) child[m] = carry[m] * ratio[m]
        if (!isSignificant(child)) continue
        // Into a cycle from outside it: the entry's spread, where followed.
        const next = e.cycle ? path : e.entersCycle ? entryPath(e.callee) : undefined
        work.push({ frame: e.callee, node, weight: child, path: next })
      }
    if (placed) builder.add(node, self)
  }
  // Self cost no path placed (the paths were cut) goes where its function was reached with the
  // most weight; that of functions no path reached becomes a one-frame stack.
  const unplaced = new Array<number>(M).fill(0)
  const attached = new Array<number>(M).fill(0)
  for (const g of graph.nodes) {
    const rest = Array.from(selfLeft.get(g.frame)!, (v) => Math.max(0, v))
    if (!rest.some((v, m) => v > 1e-12 * Math.abs(g.self[m]))) continue
    const at = heaviestNode[g.frame]
    if (at >= 0) builder.add(at, rest)
    else builder.addStack([g.frame], rest)
    const share = at >= 0 ? attached : unplaced
    rest.forEach((v, m) => (share[m] += grand[m] > 0 ? v / grand[m] : 0))
  }
  return { samples: builder.finish(), unplaced, attached }
}

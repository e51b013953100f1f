import {
  columnGraph,
  edgeColumns,
  graphOf,
  samplesToGraph,
  shareTotals,
  withSamples,
  type CallGraph,
  type EdgeColumns,
  type Frame,
  type GraphNode,
  type Profile,
} from '@profconv/model'
import { backEdges, largestFrame } from './cycles.js'
import { filterStacks, type StackFilters } from './stack-filter.js'

/** What decides which functions and calls are drawn (see `DotOptions` for each). */
export interface Selection {
  metric: number
  nodeThres: number
  edgeThres: number
  paths: readonly string[]
  roots: readonly string[]
  leaves: readonly string[]
  depth: number
  filters: StackFilters
  nodeCount?: number
  /** The name a glob is matched against, besides the bare name. */
  nameOf(frame: Frame): string
}

export interface DrawnNode {
  readonly frame: number
  readonly self: number
  readonly total: number
  readonly calls?: number
  /** The total is an estimate (a call cycle's member: the model's `estimateCycleTotals`). */
  readonly estimated?: boolean
}

export interface DrawnEdge {
  readonly caller: number
  readonly callee: number
  readonly total: number
  readonly calls?: number
  /** Joins two kept functions across removed ones (`--node-count`, `--hide`, `--show`). */
  readonly residual: boolean
  /** Goes back up a recursion: no share of the total of its own (see `backEdges`). */
  readonly back: boolean
}

export interface Drawing {
  nodes: DrawnNode[]
  edges: DrawnEdge[]
  /**
   * 100 % of the drawing (before any filter): the profile's self sum of the metric, or its
   * largest function total where larger (`shareTotals`).
   */
  total: number
  /** The drawn members of each call cycle with two or more of them drawn (frame ids). */
  cycles: number[][]
  /** What the selection approximated or dropped, for `meta.notes`. */
  notes: string[]
}

/**
 * The functions and calls to draw, in gprof2dot's order: pprof-style stack filters and
 * `--node-count` first (exact on samples, on estimated stacks for call graphs), then the node
 * threshold, the path prefixes, the edge threshold, and last the root and leaf globs.
 */
export function selectDrawing(profile: Profile, s: Selection): Drawing {
  const m = s.metric
  const notes: string[] = []
  let graph = graphOf(profile)
  const total = shareTotals(graph, profile.metrics.length)[m]
  const estimatedTotal = estimatedByFrame(graph.nodes)
  const ratio = (v: number) => (total > 0 ? v / total : 0)
  const shownCount = (g: CallGraph) =>
    g.nodes.filter((n) => ratio(n.total[m]) * 100 >= s.nodeThres).length

  const { focus, ignore, hide, show } = s.filters
  const filtering = [focus, ignore, hide, show].some((r) => r && r.length > 0)
  const counting = s.nodeCount !== undefined && shownCount(graph) > s.nodeCount
  let residual = new Set<string>()
  // --node-count alone on a call graph: the heaviest by the graph's own totals, drawn as -t dot
  // draws them (the same figures as -t top; only calls between kept functions, as gprof2dot's
  // thresholds prune). No stacks are estimated: they would make every figure an estimate.
  let kept: Set<number> | undefined
  if (counting && !filtering && !profile.samples) {
    const before = shownCount(graph)
    kept = heaviest(graph, m, s.nodeCount!)
    notes.push(
      `the graph kept the ${s.nodeCount} heaviest of ${before} functions (--node-count); calls through the functions left out are not drawn`,
    )
  } else if (filtering || counting) {
    const estimated = !profile.samples
    // Drawn at 0.5 % and 0.1 %: paths below 0.003 % of the total need not be followed.
    const samples = profile.samples ?? withSamples(profile, { cutFraction: 3e-5 }).samples!
    let filtered = filterStacks(samples, profile.frames, s.filters)
    let derived = samplesToGraph(filtered.samples, profile.metrics.length)
    if (s.nodeCount !== undefined && shownCount(derived) > s.nodeCount) {
      const before = shownCount(derived)
      const keep = heaviest(derived, m, s.nodeCount)
      filtered = filterStacks(samples, profile.frames, { ...s.filters, keep })
      derived = samplesToGraph(filtered.samples, profile.metrics.length)
      notes.push(
        `the graph kept the ${s.nodeCount} heaviest of ${before} functions (--node-count); dotted edges join kept functions across removed ones`,
      )
    }
    residual = filtered.residual
    if (estimated) {
      notes.push(
        'filters and --node-count worked on stacks estimated from the call graph (each call shared among its callers in proportion to the per-edge totals): the costs drawn are estimates' +
          (focus?.length || ignore?.length ? ' and call counts are not shown' : ''),
      )
      derived = withCounts(
        derived,
        graph,
        profile.metrics.length,
        !(focus?.length || ignore?.length),
      )
    }
    graph = derived
  }

  const columns = edgeColumns(graph, profile.metrics.length)
  let nodes = graph.nodes.filter(
    (n) => ratio(n.total[m]) * 100 >= s.nodeThres && (!kept || kept.has(n.frame)),
  )
  if (s.paths.length > 0) {
    nodes = nodes.filter((n) => {
      const f = profile.frames.get(n.frame)
      if (f.file) return s.paths.some((p) => f.file!.startsWith(p))
      if (f.module) return s.paths.some((p) => f.module!.includes(p))
      return true
    })
  }
  // By frame id in typed arrays: this runs over every call of the graph (a million for a big
  // pstats file), before the edge threshold prunes them.
  const totalOf = totalsByFrame(graph.nodes, m)
  const shown = new Uint8Array(totalOf.length)
  for (const n of nodes) shown[n.frame] = 1
  const drawn = drawnEdges(graph, columns, m, shown, totalOf, total, s.edgeThres, residual)
  let edges = drawn.edges
  const cycles = drawn.cycles

  const reach = (globs: readonly string[], down: boolean) => {
    const patterns = globs.map(globToRegExp)
    const starts = nodes
      .filter((n) => {
        const f = profile.frames.get(n.frame)
        return patterns.some((p) => p.test(f.name) || p.test(s.nameOf(f)))
      })
      .map((n) => n.frame)
    if (starts.length === 0) {
      const which = down ? 'root' : 'leaf'
      notes.push(`no shown function matches the ${which} pattern ${globs.join(', ')}`)
    }
    return reachable(starts, edges, down, s.depth)
  }
  if (s.roots.length > 0) {
    const keep = reach(s.roots, true)
    nodes = nodes.filter((n) => keep.has(n.frame))
    edges = edges.filter((e) => keep.has(e.caller) && keep.has(e.callee))
  }
  if (s.leaves.length > 0) {
    const keep = reach(s.leaves, false)
    nodes = nodes.filter((n) => keep.has(n.frame))
    edges = edges.filter((e) => keep.has(e.caller) && keep.has(e.callee))
  }
  if (nodes.length === 0)
    notes.push(
      `nothing to draw: no function reaches the node threshold (${s.nodeThres}% of the total) or the filters`,
    )
  return {
    nodes: nodes.map((n) => {
      const node: DrawnNode = { frame: n.frame, self: n.self[m], total: n.total[m], calls: n.calls }
      return estimatedTotal[n.frame] === 1 ? { ...node, estimated: true } : node
    }),
    edges,
    total,
    notes,
    cycles: cycles ? drawnCycles(nodes, cycles) : [],
  }
}

/**
 * The calls between two shown functions that reach the edge threshold, with whether each goes
 * back up a recursion, and the cycles found for it (none when no call is shown).
 */
function drawnEdges(
  graph: CallGraph,
  columns: EdgeColumns,
  m: number,
  shown: Uint8Array,
  totalOf: Float64Array,
  total: number,
  edgeThres: number,
  residual: Set<string>,
): { edges: DrawnEdge[]; cycles?: ReturnType<typeof backEdges> } {
  const edges: DrawnEdge[] = []
  let cycles: ReturnType<typeof backEdges> | undefined
  const M = columns.metricCount
  for (let i = 0; i < columns.length; i++) {
    const caller = columns.caller[i]
    const callee = columns.callee[i]
    if (shown[caller] !== 1 || shown[callee] !== 1) continue
    // Found when first needed: a big graph drawn small (a million calls, a few boxes) may
    // draw no call at all, and finding the cycles is most of its selection.
    cycles ??= backEdges(graph.nodes, columns, m)
    const isBack = cycles.back[i] === 1
    // A call never carries more than its callee's total (callgrind's arcs count recursion again).
    const calleeTotal = totalOf[callee]
    const t = isBack
      ? Math.min(totalOf[caller], calleeTotal)
      : Math.min(columns.total[i * M + m], calleeTotal)
    if ((total > 0 ? t / total : 0) * 100 < edgeThres) continue
    const calls = columns.calls[i]
    edges.push({
      caller,
      callee,
      total: t,
      calls: Number.isNaN(calls) ? undefined : calls,
      residual: residual.size > 0 && residual.has(`${caller},${callee}`),
      back: isBack,
    })
  }
  return { edges, cycles }
}

/** The drawn members of each cycle (a component of two or more) that has two or more drawn. */
function drawnCycles(
  drawn: readonly GraphNode[],
  { component, size, vertexOf }: ReturnType<typeof backEdges>,
): number[][] {
  const members = new Map<number, number[]>()
  for (const n of drawn) {
    const c = component[vertexOf[n.frame]]
    if (size[c] < 2) continue
    if (!members.has(c)) members.set(c, [])
    members.get(c)!.push(n.frame)
  }
  return [...members.values()].filter((m) => m.length > 1)
}

/** The frames of the `count` functions of `graph` with the largest totals (then selves). */
function heaviest(graph: CallGraph, m: number, count: number): Set<number> {
  return new Set(
    [...graph.nodes]
      .sort((a, b) => b.total[m] - a.total[m] || b.self[m] - a.self[m])
      .slice(0, count)
      .map((n) => n.frame),
  )
}

/** Every node's total of metric `m` in an array indexed by frame id (small integers). */
function totalsByFrame(nodes: readonly GraphNode[], m: number): Float64Array {
  const values = new Float64Array(largestFrame(nodes) + 1)
  for (let v = 0; v < nodes.length; v++) values[nodes[v].frame] = nodes[v].total[m]
  return values
}

/** 1 by frame id for the nodes whose total is an estimate (`totalEstimated`). */
function estimatedByFrame(nodes: readonly GraphNode[]): Uint8Array {
  const estimated = new Uint8Array(largestFrame(nodes) + 1)
  for (let v = 0; v < nodes.length; v++) if (nodes[v].totalEstimated) estimated[nodes[v].frame] = 1
  return estimated
}

/** Call counts of `source` copied onto the nodes and edges `derived` still has (when exact). */
function withCounts(
  derived: CallGraph,
  source: CallGraph,
  metricCount: number,
  keepCounts: boolean,
): CallGraph {
  if (!keepCounts) return derived
  const nodeCalls = new Map(source.nodes.map((n) => [n.frame, n.calls]))
  // On columns, by a numeric key per caller→callee pair: the source is the whole graph (150k
  // calls for a big callgrind file), whose edge objects and string keys cost more than the rest.
  const from = edgeColumns(source, metricCount)
  const stored = edgeColumns(derived, metricCount)
  const to = { ...stored, calls: new Float64Array(stored.length) }
  const frames =
    1 +
    Math.max(
      largestId(from.caller),
      largestId(from.callee),
      largestId(to.caller),
      largestId(to.callee),
    )
  const pair = (caller: number, callee: number) => caller * frames + callee
  const callsOf = new Map<number, number>()
  for (let i = 0; i < from.length; i++)
    callsOf.set(pair(from.caller[i], from.callee[i]), from.calls[i])
  for (let i = 0; i < to.length; i++)
    to.calls[i] = callsOf.get(pair(to.caller[i], to.callee[i])) ?? NaN
  const nodes = derived.nodes.map((n) => ({ ...n, calls: nodeCalls.get(n.frame) }))
  return columnGraph(nodes, to)
}

function largestId(ids: Int32Array): number {
  let max = 0
  for (let i = 0; i < ids.length; i++) if (ids[i] > max) max = ids[i]
  return max
}

/** Functions within `depth` calls (any when negative) below (`down`) or above `starts`. */
function reachable(
  starts: readonly number[],
  edges: readonly DrawnEdge[],
  down: boolean,
  depth: number,
): Set<number> {
  const next = new Map<number, number[]>()
  for (const e of edges) {
    const [from, to] = down ? [e.caller, e.callee] : [e.callee, e.caller]
    if (!next.has(from)) next.set(from, [])
    next.get(from)!.push(to)
  }
  const seen = new Set(starts)
  let frontier = [...starts]
  for (let d = 0; frontier.length > 0 && (depth < 0 || d < depth); d++) {
    const following: number[] = []
    for (const f of frontier)
      for (const g of next.get(f) ?? [])
        if (!seen.has(g)) {
          seen.add(g)
          following.push(g)
        }
    frontier = following
  }
  return seen
}

/** A shell glob (`*`, `?`, `[…]`, as Python's fnmatch) as a whole-string regex. */
export function globToRegExp(glob: string): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*') out += '.*'
    else if (c === '?') out += '.'
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2)
      if (end < 0) out += '\\['
      else {
        let set = glob.slice(i + 1, end).replace(/\\/g, '\\\\')
        if (set.startsWith('!')) set = '^' + set.slice(1)
        out += `[${set}]`
        i = end
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
  }
  return new RegExp(`^(?:${out})$`, 's')
}

/**
 * One function of the call graph. `self[m]` and `total[m]` are per metric; `calls` counts every
 * call, `primitiveCalls` those that were not recursive (pstats' `cc`), where the source knows.
 * `totalEstimated` marks a total the source did not measure (a call cycle's member:
 * `estimateCycleTotals`).
 */
export interface GraphNode {
  readonly frame: number
  readonly self: number[]
  readonly total: number[]
  calls?: number
  primitiveCalls?: number
  totalEstimated?: boolean
}

/**
 * A caller→callee arc. `total[m]` is the callee's inclusive cost when called from this caller;
 * `self[m]` the callee's own cost under this caller, where known.
 */
export interface GraphEdge {
  readonly caller: number
  readonly callee: number
  readonly total: number[]
  self?: number[]
  calls?: number
  primitiveCalls?: number
}

/** The call-graph view: one node per function (by frame id), one edge per caller→callee pair. */
export interface CallGraph {
  readonly nodes: GraphNode[]
  readonly edges: GraphEdge[]
  /**
   * True when the source gave only call counts per edge (Python's `profile` module) and the edge
   * costs were estimated from them.
   */
  readonly edgeCostsEstimated?: boolean
}

/**
 * Builds a call graph, creating nodes and edges on first use with zeroed metrics; an edge's
 * caller and callee always have nodes.
 */
export class GraphBuilder {
  private readonly nodeIndex = new Map<number, GraphNode>()
  private readonly edgeIndex = new Map<number, Map<number, GraphEdge>>()
  readonly nodes: GraphNode[] = []
  readonly edges: GraphEdge[] = []

  constructor(readonly metricCount: number) {}

  node(frame: number): GraphNode {
    let node = this.nodeIndex.get(frame)
    if (!node) {
      node = { frame, self: this.zeros(), total: this.zeros() }
      this.nodeIndex.set(frame, node)
      this.nodes.push(node)
    }
    return node
  }

  edge(caller: number, callee: number): GraphEdge {
    let byCallee = this.edgeIndex.get(caller)
    if (!byCallee) this.edgeIndex.set(caller, (byCallee = new Map()))
    let edge = byCallee.get(callee)
    if (!edge) {
      this.node(caller)
      this.node(callee)
      edge = { caller, callee, total: this.zeros() }
      byCallee.set(callee, edge)
      this.edges.push(edge)
    }
    return edge
  }

  finish(edgeCostsEstimated = false): CallGraph {
    return edgeCostsEstimated
      ? { nodes: this.nodes, edges: this.edges, edgeCostsEstimated }
      : { nodes: this.nodes, edges: this.edges }
  }

  private zeros(): number[] {
    return new Array<number>(this.metricCount).fill(0)
  }
}

/**
 * A call graph's edges in typed arrays, for graphs of a million edges, where an object and two
 * arrays per edge cost ~190 bytes and much of the time (allocation, then garbage collection).
 * Per edge: `caller`, `callee` (frame ids); per edge and metric `total[edge * metricCount + m]`
 * and `self` (NaN where the edge has none); `calls`, `primitiveCalls` (NaN where unknown).
 */
export interface EdgeColumns {
  readonly length: number
  readonly metricCount: number
  readonly caller: Int32Array
  readonly callee: Int32Array
  readonly total: Float64Array
  readonly self: Float64Array
  readonly calls: Float64Array
  readonly primitiveCalls: Float64Array
}

/** New columns for `length` edges: totals 0, the optional values unknown (NaN). */
export function newEdgeColumns(length: number, metricCount: number): EdgeColumns {
  return {
    length,
    metricCount,
    caller: new Int32Array(length),
    callee: new Int32Array(length),
    total: new Float64Array(length * metricCount),
    self: new Float64Array(length * metricCount).fill(NaN),
    calls: new Float64Array(length).fill(NaN),
    primitiveCalls: new Float64Array(length).fill(NaN),
  }
}

/** The columns behind graphs made by `columnGraph` whose `edges` were not asked for yet. */
const storedColumns = new WeakMap<CallGraph, EdgeColumns>()

/**
 * A call graph whose edges are stored as columns. Its `edges` makes the edge objects on first
 * use, and from then on they are the edges (changes to them count; the columns are dropped).
 * Code that only reads every edge uses `edgeColumns` and never makes the objects.
 */
export function columnGraph(
  nodes: GraphNode[],
  columns: EdgeColumns,
  edgeCostsEstimated = false,
): CallGraph {
  const graph = edgeCostsEstimated ? { nodes, edgeCostsEstimated } : { nodes }
  Object.defineProperty(graph, 'edges', {
    enumerable: true,
    configurable: true,
    get() {
      const edges = edgeObjects(columns)
      storedColumns.delete(graph as CallGraph)
      Object.defineProperty(graph, 'edges', { value: edges, enumerable: true, writable: false })
      return edges
    },
  })
  storedColumns.set(graph as CallGraph, columns)
  return graph as CallGraph
}

/**
 * The edges of a graph as columns: the stored ones of a `columnGraph` whose objects were not
 * made, else a copy of `graph.edges` (`metricCount` values per edge).
 */
export function edgeColumns(graph: CallGraph, metricCount: number): EdgeColumns {
  const stored = storedColumns.get(graph)
  if (stored) return stored
  const { edges } = graph
  const M = metricCount
  const columns = newEdgeColumns(edges.length, M)
  edges.forEach((e, i) => {
    columns.caller[i] = e.caller
    columns.callee[i] = e.callee
    for (let m = 0; m < M; m++) {
      columns.total[i * M + m] = e.total[m] // NaN where missing, as e.total[m] reads
      if (e.self) columns.self[i * M + m] = e.self[m] ?? 0
    }
    if (e.calls !== undefined) columns.calls[i] = e.calls
    if (e.primitiveCalls !== undefined) columns.primitiveCalls[i] = e.primitiveCalls
  })
  return columns
}

/** The edge objects of columns, as `GraphBuilder` shapes them (absent values left out). */
function edgeObjects(columns: EdgeColumns): GraphEdge[] {
  const M = columns.metricCount
  // One metric (pstats) is the common case of huge graphs: a literal beats Array.from there.
  const values = (array: Float64Array, i: number) =>
    M === 1 ? [array[i]] : Array.from(array.subarray(i * M, i * M + M))
  const edges = new Array<GraphEdge>(columns.length)
  for (let i = 0; i < columns.length; i++) {
    const edge: GraphEdge = {
      caller: columns.caller[i],
      callee: columns.callee[i],
      total: values(columns.total, i),
    }
    if (!Number.isNaN(columns.calls[i])) edge.calls = columns.calls[i]
    if (!Number.isNaN(columns.primitiveCalls[i])) edge.primitiveCalls = columns.primitiveCalls[i]
    if (M > 0 && !Number.isNaN(columns.self[i * M])) edge.self = values(columns.self, i)
    edges[i] = edge
  }
  return edges
}

/** Adds `b` into `a` element-wise. */
export function addInto(a: number[], b: ArrayLike<number>): void {
  for (let i = 0; i < a.length; i++) a[i] += b[i] ?? 0
}

/** Sum of every function's self cost per metric: the profile total. */
export function graphTotals(graph: CallGraph, metricCount: number): number[] {
  const totals = new Array<number>(metricCount).fill(0)
  for (const node of graph.nodes) addInto(totals, node.self)
  return totals
}

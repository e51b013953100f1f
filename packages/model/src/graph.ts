/**
 * One function of the call graph. `self[m]` and `total[m]` are per metric; `calls` counts every
 * call, `primitiveCalls` those that were not recursive (pstats' `cc`), where the source knows.
 */
export interface GraphNode {
  readonly frame: number
  readonly self: number[]
  readonly total: number[]
  calls?: number
  primitiveCalls?: number
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

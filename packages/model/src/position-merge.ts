import { edgeColumns, type CallGraph } from './graph.js'
import { PositionBuilder, type PositionDetail } from './positions.js'
import type { StackTree } from './stack-tree.js'

/**
 * Position detail summed as inputs are merged into one call graph (see `ProfileMerger`). An input
 * without detail contributes its functions' self at line 0 of their own file and its arcs at
 * unknown sites, so the sums still hold. Ids are the merged profile's.
 */
export class PositionSums {
  private builder: PositionBuilder

  constructor(
    private metricCount: number,
    private readonly frameFile: (frame: number) => string | undefined,
  ) {
    this.builder = new PositionBuilder(metricCount)
  }

  /** One more metric (an input brought a new one): the sums so far are kept. */
  addMetric(): void {
    const sofar = this.builder.finish()
    const identity = Int32Array.from({ length: this.metricCount }, (_, m) => m)
    this.metricCount++
    this.builder = new PositionBuilder(this.metricCount)
    this.add(sofar, undefined, (f) => f, identity)
  }

  /**
   * Adds one input: its `detail`, or when it has none, its `graph` at unknown positions.
   * `frameMap` and `metricMap` map the input's ids to the merged profile's.
   */
  add(
    detail: PositionDetail | undefined,
    graph: CallGraph | undefined,
    frameMap: ArrayLike<number> | ((frame: number) => number),
    metricMap: ArrayLike<number>,
  ): void {
    const frameOf = typeof frameMap === 'function' ? frameMap : (f: number) => frameMap[f]
    const builder = this.builder
    const M = this.metricCount
    const W = metricMap.length
    const values = new Float64Array(M)
    const spread = (from: ArrayLike<number>, at: number) => {
      values.fill(0)
      for (let m = 0; m < W; m++) values[metricMap[m]] += from[at + m]
      return values
    }
    if (detail) {
      const fileMap = detail.files.map((name) => builder.file(name))
      const file = (i: number) => (i < 0 ? -1 : fileMap[i])
      const { lines, sites } = detail
      for (let r = 0; r < lines.length; r++) {
        builder.addSelf(
          frameOf(lines.frame[r]),
          file(lines.file[r]),
          lines.line[r],
          lines.addressHi[r],
          lines.addressLo[r],
          spread(lines.self, r * W),
        )
      }
      for (let r = 0; r < sites.length; r++) {
        builder.addSite(
          frameOf(sites.caller[r]),
          frameOf(sites.callee[r]),
          file(sites.file[r]),
          sites.line[r],
          sites.addressHi[r],
          sites.addressLo[r],
          spread(sites.total, r * W),
          0,
          sites.calls[r],
        )
      }
      return
    }
    if (!graph) return
    for (const node of graph.nodes) {
      const frame = frameOf(node.frame)
      builder.addSelf(frame, builder.file(this.frameFile(frame)), 0, 0, 0, spread(node.self, 0))
    }
    const edges = edgeColumns(graph, W)
    for (let e = 0; e < edges.length; e++) {
      const total = spread(edges.total, e * W)
      for (let m = 0; m < M; m++) if (Number.isNaN(total[m])) total[m] = 0
      const caller = frameOf(edges.caller[e])
      builder.addSite(
        caller,
        frameOf(edges.callee[e]),
        builder.file(this.frameFile(caller)),
        0,
        0,
        0,
        total,
        0,
        edges.calls[e],
      )
    }
  }

  result(): PositionDetail {
    return this.builder.finish()
  }
}

/**
 * A function mapping nodes of tree `from` to nodes of tree `into` (created as needed), frames
 * renamed by `frameMap`, keeping each node's line, file and address. Memoised per node.
 */
export function treeNodeMapper(
  from: StackTree,
  into: StackTree,
  frameMap: ArrayLike<number>,
): (node: number) => number {
  const mapped = new Int32Array(from.length).fill(-2)
  const files = from.files.map((name) => into.fileId(name))
  /** `n` under `at` (its parent's node in `into`). */
  const step = (n: number, at: number): number => {
    const file = from.file(n)
    const hi = from.addressHi(n)
    const lo = from.addressLo(n)
    const address = hi === 0 ? lo : (BigInt(hi) << 32n) | BigInt(lo)
    return (mapped[n] = into.child(
      at,
      frameMap[from.frame(n)],
      from.line(n),
      file < 0 ? -1 : files[file],
      address,
    ))
  }
  const map = (node: number): number => {
    if (node < 0) return -1
    if (mapped[node] !== -2) return mapped[node]
    // Mapped in id order (parents first) the parent is always done: no path to walk.
    const parent = from.parent(node)
    if (parent < 0) return step(node, -1)
    if (mapped[parent] !== -2) return step(node, mapped[parent])
    // Walk up to the nearest mapped ancestor without recursion, then map back down.
    const path: number[] = []
    let top = node
    while (top >= 0 && mapped[top] === -2) {
      path.push(top)
      top = from.parent(top)
    }
    let at = top < 0 ? -1 : mapped[top]
    for (let i = path.length - 1; i >= 0; i--) at = step(path[i], at)
    return at
  }
  return map
}

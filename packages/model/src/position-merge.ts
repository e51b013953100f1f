import { graphOf } from './derive.js'
import { edgeColumns } from './graph.js'
import type { Profile } from './profile.js'
import { positionsOf } from './position-derive.js'
import { PositionBuilder, type PositionDetail } from './positions.js'
import type { StackTree } from './stack-tree.js'

/**
 * Sets what merging adds beside the graph to `merged` (merged from `profiles` with the maps
 * of `mergePositions`): the merged position detail, and the sum of stated totals.
 */
export function mergeDetail(
  profiles: readonly Profile[],
  merged: Profile,
  frameMaps: readonly (readonly number[])[],
  metricMaps: readonly (readonly number[])[],
): void {
  const M = merged.metrics.length
  const frameFile = (f: number) => merged.frames.get(f).file
  const positions = mergePositions(profiles, frameMaps, metricMaps, M, frameFile)
  if (positions) merged.positions = positions
  delete merged.meta.totals
  if (!profiles.every((p) => p.meta.totals?.length === p.metrics.length)) return
  const totals = new Array<number>(M).fill(0)
  profiles.forEach((p, k) => p.meta.totals!.forEach((v, m) => (totals[metricMaps[k][m]] += v)))
  merged.meta.totals = totals
}

/**
 * The merged position detail of profiles merged into one graph, or undefined when none has
 * detail. `frameMaps[k][f]` is the merged frame of frame f of profile k, `metricMaps[k][m]` the
 * merged metric of its metric m. A profile without detail contributes its functions' self at
 * line 0 of their own file and its arcs at unknown sites, so the sums still hold.
 */
export function mergePositions(
  profiles: readonly Profile[],
  frameMaps: readonly (readonly number[])[],
  metricMaps: readonly (readonly number[])[],
  metricCount: number,
  frameFile: (frame: number) => string | undefined,
): PositionDetail | undefined {
  const details = profiles.map(positionsOf)
  if (details.every((d) => !d)) return undefined
  const M = metricCount
  const builder = new PositionBuilder(M)
  const values = new Float64Array(M)
  const spread = (from: ArrayLike<number>, at: number, width: number, map: readonly number[]) => {
    values.fill(0)
    for (let m = 0; m < width; m++) values[map[m]] += from[at + m]
    return values
  }
  profiles.forEach((profile, k) => {
    const frameMap = frameMaps[k]
    const metricMap = metricMaps[k]
    const W = profile.metrics.length
    const detail = details[k]
    if (detail) {
      const fileMap = detail.files.map((name) => builder.file(name))
      const file = (i: number) => (i < 0 ? -1 : fileMap[i])
      const { lines, sites } = detail
      for (let r = 0; r < lines.length; r++) {
        const frame = frameMap[lines.frame[r]]
        const v = spread(lines.self, r * W, W, metricMap)
        builder.addSelf(
          frame,
          file(lines.file[r]),
          lines.line[r],
          lines.addressHi[r],
          lines.addressLo[r],
          v,
        )
      }
      for (let r = 0; r < sites.length; r++) {
        const v = spread(sites.total, r * W, W, metricMap)
        builder.addSite(
          frameMap[sites.caller[r]],
          frameMap[sites.callee[r]],
          file(sites.file[r]),
          sites.line[r],
          sites.addressHi[r],
          sites.addressLo[r],
          v,
          0,
          sites.calls[r],
        )
      }
      return
    }
    const graph = graphOf(profile)
    for (const node of graph.nodes) {
      const frame = frameMap[node.frame]
      builder.addSelf(
        frame,
        builder.file(frameFile(frame)),
        0,
        0,
        0,
        spread(node.self, 0, W, metricMap),
      )
    }
    const edges = edgeColumns(graph, W)
    for (let e = 0; e < edges.length; e++) {
      const total = spread(edges.total, e * W, W, metricMap)
      for (let m = 0; m < M; m++) if (Number.isNaN(total[m])) total[m] = 0
      const caller = frameMap[edges.caller[e]]
      builder.addSite(
        caller,
        frameMap[edges.callee[e]],
        builder.file(frameFile(caller)),
        0,
        0,
        0,
        total,
        0,
        edges.calls[e],
      )
    }
  })
  return builder.finish()
}

/**
 * A function mapping nodes of tree `from` to nodes of tree `into` (created as needed), frames
 * renamed by `frameMap`, keeping each node's line, file and address. Memoised per node.
 */
export function treeNodeMapper(
  from: StackTree,
  into: StackTree,
  frameMap: readonly number[],
): (node: number) => number {
  const mapped = new Int32Array(from.length).fill(-2)
  const files = from.files.map((name) => into.fileId(name))
  const map = (node: number): number => {
    if (node < 0) return -1
    if (mapped[node] !== -2) return mapped[node]
    // Walk up to the nearest mapped ancestor without recursion, then map back down.
    const path: number[] = []
    let top = node
    while (top >= 0 && mapped[top] === -2) {
      path.push(top)
      top = from.parent(top)
    }
    let at = top < 0 ? -1 : mapped[top]
    for (let i = path.length - 1; i >= 0; i--) {
      const n = path[i]
      const file = from.file(n)
      const hi = from.addressHi(n)
      const lo = from.addressLo(n)
      const address = hi === 0 ? lo : (BigInt(hi) << 32n) | BigInt(lo)
      at = into.child(
        at,
        frameMap[from.frame(n)],
        from.line(n),
        file < 0 ? -1 : files[file],
        address,
      )
      mapped[n] = at
    }
    return at
  }
  return map
}

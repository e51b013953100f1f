import { PairIndex, nodeCosts, walkTree } from './derive.js'
import type { FrameTable } from './frame-table.js'
import type { Profile } from './profile.js'
import type { Samples } from './samples.js'
import { PositionBuilder, type PositionDetail } from './positions.js'

/**
 * The position detail of samples whose stack tree carries positions, derived exactly by the
 * rule of `samplesToGraph`: a sample's value goes to the self row of its leaf's position, and
 * for every distinct caller→callee pair on its stack (the outermost occurrence under recursion)
 * to the site row at the caller node's position. Call counts are unknown (NaN).
 */
export function samplesToPositions(
  samples: Samples,
  frames: FrameTable,
  metricCount: number,
): PositionDetail {
  const M = metricCount
  const { tree } = samples
  const { parent, frame } = tree.columns()
  const n = parent.length
  const { leaf, inclusive } = nodeCosts(samples, M)

  const builder = new PositionBuilder(M)
  // Tree file ids and frames' own files, as builder file ids (-2: not looked up yet).
  const treeFile = new Int32Array(tree.files.length).fill(-2)
  const ownFile = new Int32Array(frames.length).fill(-2)
  const fileOf = (node: number) => {
    const f = tree.file(node)
    if (f >= 0) {
      if (treeFile[f] === -2) treeFile[f] = builder.file(tree.files[f])
      return treeFile[f]
    }
    const fr = frame[node]
    if (ownFile[fr] === -2) ownFile[fr] = builder.file(frames.get(fr).file)
    return ownFile[fr]
  }
  for (let node = 0; node < n; node++) {
    let any = false
    for (let m = 0; m < M; m++) if (leaf[node * M + m] !== 0) any = true
    if (!any) continue
    builder.addSelf(
      frame[node],
      fileOf(node),
      tree.line(node),
      tree.addressHi(node),
      tree.addressLo(node),
      leaf,
      node * M,
    )
  }

  const pairs = new PairIndex()
  const pairOfNode = new Int32Array(n)
  const pairOnPath: number[] = []
  walkTree(parent, {
    enter(node) {
      const p = parent[node]
      if (p < 0) return
      const e = pairs.id(frame[p], frame[node])
      if (e === pairOnPath.length) pairOnPath.push(0)
      pairOfNode[node] = e
      if (pairOnPath[e]++ !== 0) return
      builder.addSite(
        frame[p],
        frame[node],
        fileOf(p),
        tree.line(p),
        tree.addressHi(p),
        tree.addressLo(p),
        inclusive,
        node * M,
        NaN,
      )
    },
    leave(node) {
      if (parent[node] >= 0) pairOnPath[pairOfNode[node]]--
    },
  })
  return builder.finish()
}

/**
 * The position detail of a profile: its own, else derived exactly from its samples' stack tree
 * when that carries positions; undefined when the profile has none.
 */
export function positionsOf(profile: Profile): PositionDetail | undefined {
  if (profile.positions) return profile.positions
  const samples = profile.samples
  if (!samples || !samples.tree.hasPositions) return undefined
  return samplesToPositions(samples, profile.frames, profile.metrics.length)
}

/** The profile with its position detail present where it can be had (see `positionsOf`). */
export function withPositions(profile: Profile): Profile {
  if (profile.positions) return profile
  const positions = positionsOf(profile)
  return positions ? { ...profile, positions } : profile
}

import {
  FrameTable,
  StackTree,
  columnGraph,
  edgeColumns,
  type EdgeColumns,
  type Frame,
  type GraphNode,
  type Label,
  type Profile,
  type StackColumns,
} from '@profconv/model'

/**
 * A profile as a worker thread posts it: plain objects (copied by `postMessage`) and typed
 * arrays, whose buffers move without a copy. `unpackProfile` rebuilds the same profile.
 */
export interface PackedProfile {
  rest: Omit<Profile, 'frames' | 'samples' | 'graph'>
  frames: Frame[]
  samples?: {
    tree: StackColumns
    stack: Int32Array
    values: Float64Array[]
    labels?: readonly (readonly Label[] | undefined)[]
    time?: Float64Array
  }
  graph?: { nodes: GraphNode[]; edges: EdgeColumns; edgeCostsEstimated: boolean }
}

/** `profile` packed, and the buffers to transfer with it. */
export function packProfile(profile: Profile): { packed: PackedProfile; transfer: ArrayBuffer[] } {
  const { frames, samples, graph, ...rest } = profile
  const buffers = new Set<ArrayBuffer>()
  const own = <T extends Int32Array | Uint32Array | Float64Array>(a: T): T => {
    buffers.add(a.buffer as ArrayBuffer)
    return a
  }
  const packed: PackedProfile = { rest, frames: frames.frames }
  if (samples) {
    const tree = samples.tree.allColumns()
    for (const key of ['parent', 'frame', 'line', 'file', 'addressHi', 'addressLo'] as const) {
      const column = tree[key]
      if (column) own(column)
    }
    packed.samples = {
      tree,
      stack: own(samples.stack),
      values: samples.values.map(own),
      labels: samples.labels,
      time: samples.time && own(samples.time),
    }
  }
  // Position detail (of call graphs; samples keep theirs in the tree) is typed columns too.
  if (profile.positions) {
    const { lines, sites } = profile.positions
    for (const rows of [lines, sites])
      for (const column of Object.values(rows))
        if (ArrayBuffer.isView(column)) own(column as Int32Array)
  }
  if (graph) {
    const edges = edgeColumns(graph, profile.metrics.length)
    for (const key of ['caller', 'callee', 'total', 'self', 'calls', 'primitiveCalls'] as const)
      own(edges[key])
    packed.graph = {
      nodes: graph.nodes,
      edges,
      edgeCostsEstimated: graph.edgeCostsEstimated === true,
    }
  }
  return { packed, transfer: [...buffers] }
}

/** The profile `packProfile` packed. */
export function unpackProfile(packed: PackedProfile): Profile {
  const frames = new FrameTable()
  for (const frame of packed.frames) frames.add(frame)
  const profile: Profile = { ...packed.rest, frames }
  const s = packed.samples
  if (s) {
    profile.samples = {
      tree: StackTree.fromColumns(s.tree),
      stack: s.stack,
      values: s.values,
      ...(s.labels && { labels: s.labels }),
      ...(s.time && { time: s.time }),
    }
  }
  const g = packed.graph
  if (g) profile.graph = columnGraph(g.nodes, g.edges, g.edgeCostsEstimated)
  return profile
}

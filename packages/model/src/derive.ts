import { GraphBuilder, addInto, type CallGraph } from './graph.js'
import type { Profile } from './profile.js'
import type { Samples } from './samples.js'

/**
 * The call graph of a profile: its own, or derived exactly from its samples (the pprof rule):
 * a sample's value goes to the leaf's self, to the total of every distinct function on its
 * stack once however often recursion repeats it, and to every distinct caller→callee pair.
 */
export function graphOf(profile: Profile): CallGraph {
  if (profile.graph) return profile.graph
  if (!profile.samples) return { nodes: [], edges: [] }
  return samplesToGraph(profile.samples, profile.metrics.length)
}

export function samplesToGraph(samples: Samples, metricCount: number): CallGraph {
  const M = metricCount
  const { parent, frame } = samples.tree.columns()
  const n = parent.length
  const leaf = new Float64Array(n * M)
  for (let i = 0; i < samples.stack.length; i++) {
    const node = samples.stack[i]
    if (node < 0) continue
    for (let m = 0; m < M; m++) leaf[node * M + m] += samples.values[m][i]
  }
  // Inclusive cost per tree node: children have larger ids than parents.
  const inclusive = leaf.slice()
  for (let node = n - 1; node >= 0; node--) {
    const p = parent[node]
    if (p >= 0) for (let m = 0; m < M; m++) inclusive[p * M + m] += inclusive[node * M + m]
  }

  const builder = new GraphBuilder(M)
  const onPath = new Map<number, number>()
  const pairsOnPath = new Map<string, number>()
  const pairKey = (a: number, b: number) => `${a},${b}`
  const slice = (a: Float64Array, node: number) => a.subarray(node * M, node * M + M)

  walkTree(parent, {
    enter(node) {
      const f = frame[node]
      const g = builder.node(f)
      addInto(g.self, slice(leaf, node))
      const seen = onPath.get(f) ?? 0
      if (seen === 0) addInto(g.total, slice(inclusive, node))
      onPath.set(f, seen + 1)
      const p = parent[node]
      if (p < 0) return
      const key = pairKey(frame[p], f)
      const edge = builder.edge(frame[p], f)
      const pairSeen = pairsOnPath.get(key) ?? 0
      if (pairSeen === 0) addInto(edge.total, slice(inclusive, node))
      pairsOnPath.set(key, pairSeen + 1)
      edge.self ??= new Array<number>(M).fill(0)
      addInto(edge.self, slice(leaf, node))
    },
    leave(node) {
      const f = frame[node]
      onPath.set(f, onPath.get(f)! - 1)
      const p = parent[node]
      if (p >= 0) {
        const key = pairKey(frame[p], f)
        pairsOnPath.set(key, pairsOnPath.get(key)! - 1)
      }
    },
  })
  return builder.finish()
}

/**
 * Depth-first walk of a prefix tree given by its parent column, without recursion (stacks
 * 10,000 deep and more are fine). Children are visited in id order.
 */
export function walkTree(
  parent: Int32Array,
  visit: { enter(node: number): void; leave(node: number): void },
): void {
  const n = parent.length
  // Children lists in CSR form; roots are the children of the virtual node n.
  const start = new Int32Array(n + 2)
  for (let node = 0; node < n; node++) start[(parent[node] < 0 ? n : parent[node]) + 1]++
  for (let i = 0; i <= n; i++) start[i + 1] += start[i]
  const fill = start.slice(0, n + 1)
  const children = new Int32Array(n)
  for (let node = 0; node < n; node++) children[fill[parent[node] < 0 ? n : parent[node]]++] = node

  const stack = new Int32Array(n + 1)
  const cursor = new Int32Array(n + 1)
  let depth = 0
  stack[0] = n
  cursor[0] = start[n]
  while (depth >= 0) {
    const top = stack[depth]
    if (cursor[depth] < start[top + 1]) {
      const child = children[cursor[depth]++]
      visit.enter(child)
      depth++
      stack[depth] = child
      cursor[depth] = start[child]
    } else {
      if (top !== n) visit.leave(top)
      depth--
    }
  }
}

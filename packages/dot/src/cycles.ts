import { stronglyConnected, type EdgeColumns, type GraphNode } from '@profconv/model'

/**
 * The calls that go back up a recursion, drawn the gprof2dot way (with their call count but no
 * share of the total, weighted as the lighter of their two ends): every self-call, and within
 * each cycle of mutual recursion (a strongly connected component of two or more functions, found
 * by the model's iterative Tarjan) every call to a member no farther from the cycle's entry than
 * the caller. Members are ranked by their call distance from the entries, the members called
 * from outside the cycle (the heaviest member when none is). Iterative throughout: cycles of any
 * length work. Returns a flag per edge (1 = back) and the component of every node (by position),
 * with how many nodes each component has.
 *
 * Everything is indexed by node position in typed arrays: this runs over every edge of the
 * whole graph (a million for a big pstats file) before the thresholds prune it.
 */
export function backEdges(
  nodes: readonly GraphNode[],
  edges: EdgeColumns,
  metric: number,
): { back: Uint8Array; component: Int32Array; size: Int32Array } {
  const n = nodes.length
  const from = new Int32Array(edges.length)
  const to = new Int32Array(edges.length)
  const vertexOf = vertexIndex(nodes)
  for (let i = 0; i < edges.length; i++) {
    from[i] = vertexOf[edges.caller[i]]
    to[i] = vertexOf[edges.callee[i]]
  }
  const [start, targets] = adjacency(n, from, to)
  const component = stronglyConnected(start, targets)
  const size = new Int32Array(n)
  for (let v = 0; v < n; v++) size[component[v]]++
  // A call inside a cycle: between two different members of one component of 2+ functions.
  const inCycle = (v: number) => size[component[v]] > 1
  const inside = (v: number, w: number) => v !== w && component[v] === component[w] && inCycle(w)

  // Entries: members called from outside their cycle; else the cycle's heaviest member.
  const rank = new Int32Array(n).fill(-1)
  const queue = new Int32Array(n)
  let tail = 0
  const enter = (v: number) => {
    if (rank[v] < 0) {
      rank[v] = 0
      queue[tail++] = v
    }
  }
  for (let i = 0; i < edges.length; i++) {
    const w = to[i]
    if (from[i] !== w && component[from[i]] !== component[w] && inCycle(w)) enter(w)
  }
  const entered = new Uint8Array(n)
  for (let v = 0; v < n; v++) if (rank[v] === 0) entered[component[v]] = 1
  const heaviest = new Int32Array(n).fill(-1)
  const weight = (v: number) => nodes[v].total[metric] ?? 0
  for (let v = 0; v < n; v++) {
    const c = component[v]
    if (!inCycle(v) || entered[c]) continue
    if (heaviest[c] < 0 || weight(v) > weight(heaviest[c])) heaviest[c] = v
  }
  for (let c = 0; c < n; c++) if (heaviest[c] >= 0) enter(heaviest[c])

  // Breadth-first from every entry at once, along calls inside a cycle.
  for (let head = 0; head < tail; head++) {
    const v = queue[head]
    for (let k = start[v]; k < start[v + 1]; k++) {
      const w = targets[k]
      if (rank[w] < 0 && inside(v, w)) {
        rank[w] = rank[v] + 1
        queue[tail++] = w
      }
    }
  }
  const back = new Uint8Array(edges.length)
  for (let i = 0; i < edges.length; i++) {
    const v = from[i]
    const w = to[i]
    if (v === w || (inside(v, w) && rank[w] <= rank[v])) back[i] = 1
  }
  return { back, component, size }
}

/** Node position by frame id, in an array (frame ids are small integers). */
function vertexIndex(nodes: readonly GraphNode[]): Int32Array {
  let maxFrame = -1
  for (const node of nodes) if (node.frame > maxFrame) maxFrame = node.frame
  const vertexOf = new Int32Array(maxFrame + 1)
  nodes.forEach((node, v) => (vertexOf[node.frame] = v))
  return vertexOf
}

/** The edges as CSR arrays (`targets[start[v]..start[v+1]]` are v's callees), in edge order. */
function adjacency(n: number, from: Int32Array, to: Int32Array): [Int32Array, Int32Array] {
  const start = new Int32Array(n + 1)
  for (let i = 0; i < from.length; i++) start[from[i] + 1]++
  for (let v = 0; v < n; v++) start[v + 1] += start[v]
  const fill = start.slice(0, n)
  const targets = new Int32Array(from.length)
  for (let i = 0; i < from.length; i++) targets[fill[from[i]]++] = to[i]
  return [start, targets]
}

import { stronglyConnected, type EdgeColumns, type GraphNode } from '@profconv/model'

/**
 * The calls that go back up a recursion, drawn the gprof2dot way (with their call count but no
 * share of the total, weighted as the lighter of their two ends): every self-call, and within
 * each cycle of mutual recursion (a strongly connected component of two or more functions, found
 * by the model's iterative Tarjan) every call to a member no farther from the cycle's entry than
 * the caller. Members are ranked by their call distance from the entries, the members called
 * from outside the cycle (the heaviest member when none is). Iterative throughout: cycles of any
 * length work. Returns a flag per edge (1 = back) and the component of every node (by position),
 * with how many nodes each component has, and each node's position by frame id.
 *
 * Everything is indexed by node position in typed arrays: this runs over every edge of the
 * whole graph (a million for a big pstats file) before the thresholds prune it.
 */
export function backEdges(
  nodes: readonly GraphNode[],
  edges: EdgeColumns,
  metric: number,
): { back: Uint8Array; component: Int32Array; size: Int32Array; vertexOf: Int32Array } {
  const n = nodes.length
  const vertexOf = vertexIndex(nodes)
  const from = vertices(edges.caller, vertexOf)
  const to = vertices(edges.callee, vertexOf)
  const [start, targets] = adjacency(n, from, to)
  const component = stronglyConnected(start, targets)
  const size = componentSizes(component)
  // Entries: members called from outside their cycle; else the cycle's heaviest member. Then
  // ranks by call distance from them, breadth-first from all at once, along calls in a cycle.
  const rank = new Int32Array(n).fill(-1)
  const queue = new Int32Array(n)
  let tail = enterFromOutside(from, to, component, size, rank, queue)
  tail = enterAtHeaviest(nodes, metric, component, size, rank, queue, tail)
  rankInside(start, targets, component, size, rank, queue, tail)
  return { back: goingBack(from, to, component, size, rank), component, size, vertexOf }
}

// Each step below is one loop over the graph in a function of its own: they run once per
// drawing, mostly before V8 has optimised them, and a small function with one loop is
// optimised (on-stack replacement) once and cheaply, where a long one is compiled again after
// each of its loops.

/** Frame ids as node positions. */
function vertices(frames: Int32Array, vertexOf: Int32Array): Int32Array {
  const out = new Int32Array(frames.length)
  for (let i = 0; i < frames.length; i++) out[i] = vertexOf[frames[i]]
  return out
}

/** How many nodes each component has, by component id. */
function componentSizes(component: Int32Array): Int32Array {
  const size = new Int32Array(component.length)
  for (let v = 0; v < component.length; v++) size[component[v]]++
  return size
}

/** Ranks 0 the members of cycles called from outside their cycle; returns the queue's length. */
function enterFromOutside(
  from: Int32Array,
  to: Int32Array,
  component: Int32Array,
  size: Int32Array,
  rank: Int32Array,
  queue: Int32Array,
): number {
  let tail = 0
  for (let i = 0; i < from.length; i++) {
    const w = to[i]
    if (from[i] === w || component[from[i]] === component[w] || size[component[w]] < 2) continue
    if (rank[w] < 0) {
      rank[w] = 0
      queue[tail++] = w
    }
  }
  return tail
}

/**
 * Ranks 0 the heaviest member (by total, the first of equals) of each cycle no call from outside
 * enters; returns the queue's length.
 */
function enterAtHeaviest(
  nodes: readonly GraphNode[],
  metric: number,
  component: Int32Array,
  size: Int32Array,
  rank: Int32Array,
  queue: Int32Array,
  tail: number,
): number {
  const n = nodes.length
  const entered = new Uint8Array(n)
  for (let v = 0; v < n; v++) if (rank[v] === 0) entered[component[v]] = 1
  const heaviest = new Int32Array(n).fill(-1)
  const weight = new Float64Array(n)
  for (let v = 0; v < n; v++) {
    const c = component[v]
    if (size[c] < 2 || entered[c]) continue
    const w = nodes[v].total[metric] ?? 0
    if (heaviest[c] < 0 || w > weight[c]) {
      heaviest[c] = v
      weight[c] = w
    }
  }
  for (let c = 0; c < n; c++) {
    const v = heaviest[c]
    if (v >= 0 && rank[v] < 0) {
      rank[v] = 0
      queue[tail++] = v
    }
  }
  return tail
}

/** Breadth-first from the queued entries, along calls between two members of one cycle. */
function rankInside(
  start: Int32Array,
  targets: Int32Array,
  component: Int32Array,
  size: Int32Array,
  rank: Int32Array,
  queue: Int32Array,
  tail: number,
): void {
  for (let head = 0; head < tail; head++) {
    const v = queue[head]
    for (let k = start[v]; k < start[v + 1]; k++) {
      const w = targets[k]
      if (rank[w] < 0 && v !== w && component[v] === component[w] && size[component[w]] > 1) {
        rank[w] = rank[v] + 1
        queue[tail++] = w
      }
    }
  }
}

/** 1 per call going back: a self-call, or a call in a cycle to a member no deeper than its caller. */
function goingBack(
  from: Int32Array,
  to: Int32Array,
  component: Int32Array,
  size: Int32Array,
  rank: Int32Array,
): Uint8Array {
  const back = new Uint8Array(from.length)
  for (let i = 0; i < from.length; i++) {
    const v = from[i]
    const w = to[i]
    if (v === w) back[i] = 1
    else if (component[v] === component[w] && size[component[w]] > 1 && rank[w] <= rank[v])
      back[i] = 1
  }
  return back
}

/** Node position by frame id, in an array (frame ids are small integers). */
function vertexIndex(nodes: readonly GraphNode[]): Int32Array {
  const vertexOf = new Int32Array(largestFrame(nodes) + 1)
  for (let v = 0; v < nodes.length; v++) vertexOf[nodes[v].frame] = v
  return vertexOf
}

/** The largest frame id of the nodes (-1 for none). */
export function largestFrame(nodes: readonly GraphNode[]): number {
  let maxFrame = -1
  for (let v = 0; v < nodes.length; v++) if (nodes[v].frame > maxFrame) maxFrame = nodes[v].frame
  return maxFrame
}

/** The edges as CSR arrays (`targets[start[v]..start[v+1]]` are v's callees), in edge order. */
function adjacency(n: number, from: Int32Array, to: Int32Array): [Int32Array, Int32Array] {
  const start = new Int32Array(n + 1)
  countFrom(start, from)
  prefixSums(start)
  return [start, targetsOf(start, from, to)]
}

function countFrom(start: Int32Array, from: Int32Array): void {
  for (let i = 0; i < from.length; i++) start[from[i] + 1]++
}

function prefixSums(start: Int32Array): void {
  for (let i = 1; i < start.length; i++) start[i] += start[i - 1]
}

function targetsOf(start: Int32Array, from: Int32Array, to: Int32Array): Int32Array {
  const fill = start.slice(0, start.length - 1)
  const targets = new Int32Array(from.length)
  for (let i = 0; i < from.length; i++) targets[fill[from[i]]++] = to[i]
  return targets
}

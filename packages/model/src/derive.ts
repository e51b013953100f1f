import { columnGraph, newEdgeColumns, type CallGraph, type GraphNode } from './graph.js'
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

/**
 * Cost per stack-tree node, `[node * metricCount + m]`: `leaf`, of the samples ending there;
 * `inclusive`, of the samples at or below it.
 */
export function nodeCosts(
  samples: Samples,
  metricCount: number,
): { leaf: Float64Array; inclusive: Float64Array } {
  const M = metricCount
  const { parent } = samples.tree.columns()
  const n = parent.length
  const leaf = new Float64Array(n * M)
  for (let i = 0; i < samples.stack.length; i++) {
    const node = samples.stack[i]
    if (node < 0) continue
    for (let m = 0; m < M; m++) leaf[node * M + m] += samples.values[m][i]
  }
  // Children have larger ids than parents: a reverse scan adds each node into its parent.
  const inclusive = leaf.slice()
  for (let node = n - 1; node >= 0; node--) {
    const p = parent[node]
    if (p >= 0) for (let m = 0; m < M; m++) inclusive[p * M + m] += inclusive[node * M + m]
  }
  return { leaf, inclusive }
}

export function samplesToGraph(samples: Samples, metricCount: number): CallGraph {
  const M = metricCount
  const { parent, frame } = samples.tree.columns()
  const n = parent.length
  const { leaf, inclusive } = nodeCosts(samples, M)

  // Functions and caller→callee pairs get dense ids in the order the walk first meets them
  // (the order of the graph's nodes and edges); sums and on-path counts live in typed arrays
  // indexed by those ids: a 1M-sample profile has ~200k tree nodes to visit.
  let frameCount = 0
  for (let node = 0; node < n; node++) frameCount = Math.max(frameCount, frame[node] + 1)
  const functionOf = new Int32Array(frameCount).fill(-1)
  const functionFrames: number[] = []
  const onPath = new Int32Array(frameCount)
  const pairs = new PairIndex()
  const pairOfNode = new Int32Array(n)
  const pairOnPath: number[] = []
  const sums = {
    self: new GrowingColumns(M),
    total: new GrowingColumns(M),
    edgeSelf: new GrowingColumns(M),
    edgeTotal: new GrowingColumns(M),
  }

  walkTree(parent, {
    enter(node) {
      const f = frame[node]
      let g = functionOf[f]
      if (g < 0) {
        g = functionOf[f] = functionFrames.length
        functionFrames.push(f)
      }
      sums.self.add(g, leaf, node)
      if (onPath[f]++ === 0) sums.total.add(g, inclusive, node)
      const p = parent[node]
      if (p < 0) return
      const e = pairs.id(frame[p], f)
      if (e === pairOnPath.length) pairOnPath.push(0)
      pairOfNode[node] = e
      if (pairOnPath[e]++ === 0) sums.edgeTotal.add(e, inclusive, node)
      sums.edgeSelf.add(e, leaf, node)
    },
    leave(node) {
      onPath[frame[node]]--
      if (parent[node] >= 0) pairOnPath[pairOfNode[node]]--
    },
  })

  const nodes: GraphNode[] = functionFrames.map((f, g) => ({
    frame: f,
    self: sums.self.row(g),
    total: sums.total.row(g),
  }))
  // Edges stay in columns: the dot writer reads them so, and objects are made only if asked.
  const edges = newEdgeColumns(pairs.length, M)
  for (let e = 0; e < pairs.length; e++) {
    edges.caller[e] = pairs.first(e)
    edges.callee[e] = pairs.second(e)
  }
  sums.edgeTotal.copyTo(edges.total)
  sums.edgeSelf.copyTo(edges.self)
  return columnGraph(nodes, edges)
}

/** Dense ids for pairs of non-negative integers, by open addressing over typed arrays (internal). */
export class PairIndex {
  private firsts: Int32Array = new Int32Array(1024)
  private seconds: Int32Array = new Int32Array(1024)
  private count = 0
  /** Pair id + 1 per slot, 0 when free. */
  private slots: Int32Array = new Int32Array(2048)

  get length(): number {
    return this.count
  }

  first(id: number): number {
    return this.firsts[id]
  }

  second(id: number): number {
    return this.seconds[id]
  }

  /** The id of (a, b), the next free one if new. */
  id(a: number, b: number): number {
    const mask = this.slots.length - 1
    let slot = pairHash(a, b) & mask
    for (let entry = this.slots[slot]; entry !== 0; entry = this.slots[slot]) {
      if (this.firsts[entry - 1] === a && this.seconds[entry - 1] === b) return entry - 1
      slot = (slot + 1) & mask
    }
    const id = this.count++
    if (id === this.firsts.length) {
      this.firsts = grownInt32(this.firsts)
      this.seconds = grownInt32(this.seconds)
    }
    this.firsts[id] = a
    this.seconds[id] = b
    this.slots[slot] = id + 1
    if (this.count * 2 > this.slots.length) this.rehash()
    return id
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2)
    const mask = slots.length - 1
    for (let id = 0; id < this.count; id++) {
      let slot = pairHash(this.firsts[id], this.seconds[id]) & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = id + 1
    }
    this.slots = slots
  }
}

function pairHash(a: number, b: number): number {
  const h = Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)
  return Math.imul(h ^ (h >>> 15), 0xc2b2ae35) ^ (h >>> 13)
}

/** Rows of M sums, one row per id, in one Float64Array that grows by doubling. */
class GrowingColumns {
  private data: Float64Array

  constructor(private readonly width: number) {
    this.data = new Float64Array(width * 1024)
  }

  /** Adds row `at` of `from` (rows of the same width) into row `row`. */
  add(row: number, from: Float64Array, at: number): void {
    const w = this.width
    if ((row + 1) * w > this.data.length) {
      const data = new Float64Array(Math.max(this.data.length * 2, (row + 1) * w))
      data.set(this.data)
      this.data = data
    }
    for (let m = 0; m < w; m++) this.data[row * w + m] += from[at * w + m]
  }

  /** Copies the first `out.length / width` rows into `out` (rows never added to are zeros). */
  copyTo(out: Float64Array): void {
    const n = Math.min(out.length, this.data.length)
    out.set(this.data.subarray(0, n))
    out.fill(0, n)
  }

  /** Row `row` as a plain array (zeros if never added to). */
  row(row: number): number[] {
    const w = this.width
    const out = new Array<number>(w)
    for (let m = 0; m < w; m++)
      out[m] = (row + 1) * w <= this.data.length ? this.data[row * w + m] : 0
    return out
  }
}

function grownInt32(a: Int32Array): Int32Array {
  const out = new Int32Array(a.length * 2)
  out.set(a)
  return out
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

import type { CallGraph } from './graph.js'

/**
 * Strongly connected components of a directed graph on vertices 0..n-1, given as CSR arrays
 * (`targets[start[v]..start[v+1]]` are v's successors). Iterative Tarjan: no recursion, so
 * chains of any length work. Returns the component id of each vertex; ids are in reverse
 * topological order (a component's successors have smaller ids).
 */
export function stronglyConnected(start: Int32Array, targets: Int32Array): Int32Array {
  const n = start.length - 1
  const index = new Int32Array(n).fill(-1)
  const low = new Int32Array(n)
  const component = new Int32Array(n).fill(-1)
  const onStack = new Uint8Array(n)
  const stack = new Int32Array(n)
  const callVertex = new Int32Array(n)
  const callEdge = new Int32Array(n)
  let sp = 0
  let next = 0
  let components = 0
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue
    let depth = 0
    callVertex[0] = root
    callEdge[0] = start[root]
    index[root] = low[root] = next++
    stack[sp++] = root
    onStack[root] = 1
    while (depth >= 0) {
      const v = callVertex[depth]
      if (callEdge[depth] < start[v + 1]) {
        const w = targets[callEdge[depth]++]
        if (index[w] < 0) {
          index[w] = low[w] = next++
          stack[sp++] = w
          onStack[w] = 1
          depth++
          callVertex[depth] = w
          callEdge[depth] = start[w]
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], index[w])
        }
        continue
      }
      if (low[v] === index[v]) {
        let w: number
        do {
          w = stack[--sp]
          onStack[w] = 0
          component[w] = components
        } while (w !== v)
        components++
      }
      depth--
      if (depth >= 0) {
        const parent = callVertex[depth]
        low[parent] = Math.min(low[parent], low[v])
      }
    }
  }
  return component
}

/** The strongly connected component of every function of a call graph, by frame id. */
export function graphComponents(graph: CallGraph): Map<number, number> {
  const { nodes, edges } = graph
  // Vertex + 1 by frame id, in an array: this runs over every edge of graphs of millions.
  let maxFrame = -1
  for (const node of nodes) if (node.frame > maxFrame) maxFrame = node.frame
  const vertexOf = new Int32Array(maxFrame + 1)
  nodes.forEach((node, i) => (vertexOf[node.frame] = i + 1))
  const vertex = (frame: number) => vertexOf[frame] - 1
  const start = new Int32Array(nodes.length + 1)
  for (const e of edges) start[vertex(e.caller) + 1]++
  for (let i = 0; i < nodes.length; i++) start[i + 1] += start[i]
  const fill = start.slice()
  const targets = new Int32Array(edges.length)
  for (const e of edges) targets[fill[vertex(e.caller)]++] = vertex(e.callee)
  const component = stronglyConnected(start, targets)
  const byFrame = new Map<number, number>()
  nodes.forEach((node, i) => byFrame.set(node.frame, component[i]))
  return byFrame
}

/**
 * The cycles of a call graph: each strongly connected component of two or more functions, as
 * lists of frame ids. (A function calling only itself is direct recursion, not a cycle.)
 */
export function graphCycles(graph: CallGraph): number[][] {
  const members = new Map<number, number[]>()
  for (const [frame, c] of graphComponents(graph)) {
    if (!members.has(c)) members.set(c, [])
    members.get(c)!.push(frame)
  }
  return [...members.values()].filter((m) => m.length > 1)
}

import { edgeColumns, stronglyConnected, type CallGraph, type GraphNode } from '@profconv/model'

/**
 * The note added when mutual recursion made some functions show their cycle's inclusive cost.
 */
export const CYCLE_NOTE =
  'functions in call cycles (mutual recursion) show the whole cycle’s inclusive cost as their ' +
  'total, as gprof does: an upper bound, never more than the program total'

/**
 * Sets every function's `total`, `calls` and `primitiveCalls` from the call arcs, so that
 * recursion never makes a total exceed the program total (callgrind_annotate --inclusive=yes
 * sums every arc and shows recursive functions above 100%).
 *
 * The rule: group functions into strongly connected components (a function with a self-arc is
 * its own component). An arc entering a component from outside starts an outermost activation
 * of it, and outermost activations never overlap, so the sum of the entering arcs' inclusive
 * costs is the component's exact inclusive cost. A component nobody calls (a root) costs its
 * members' self plus the arcs leaving it, and so does one that is both called and run at the top
 * (a thread's root, a stack pprof truncated), whose top-level activations no arc enters: the
 * larger of the two figures is kept. A function alone in its component (also with direct
 * recursion, and `fn'2` names from `--separate-recs`) gets that figure, which is exact; a
 * function in a cycle of several gets the cycle's figure, an upper bound (with `CYCLE_NOTE`).
 * A total is never below the function's self, and never above the program total (the sum of
 * all self costs), which arcs can pass in files whose arcs carry cost no function's self does
 * (callgrind's cache simulation, yappi's rounding).
 *
 * `calls` counts every call of a function, `primitiveCalls` those from outside its component
 * (pstats' `nc` and `cc`); both are left out where no arc gave a count. Edges keep the summed
 * inclusive cost of their calls, as the file states it.
 */
export function functionTotals(graph: CallGraph, metricCount: number): { notes: string[] } {
  const { nodes } = graph
  const M = metricCount
  const n = nodes.length
  // Typed arrays throughout (the edges too: no object per edge is made): this runs over every
  // function and arc of the part once.
  const edges = edgeColumns(graph, M)
  const vertex = vertexOfFrame(nodes)
  const from = new Int32Array(edges.length)
  const to = new Int32Array(edges.length)
  const start = new Int32Array(n + 1)
  for (let i = 0; i < edges.length; i++) {
    from[i] = vertex[edges.caller[i]]
    to[i] = vertex[edges.callee[i]]
    start[from[i] + 1]++
  }
  for (let v = 0; v < n; v++) start[v + 1] += start[v]
  const fill = start.slice()
  const targets = new Int32Array(edges.length)
  for (let i = 0; i < edges.length; i++) targets[fill[from[i]]++] = to[i]
  const component = stronglyConnected(start, targets)

  // Per component (ids are below n) and metric, at c * M + m: the cost of the arcs entering
  // it, and (for components nobody calls) its self plus the arcs that leave it. Few, fused
  // loops: this runs once per part, mostly before the JIT has compiled it.
  const entering = new Float64Array(n * M)
  const rootCost = new Float64Array(n * M)
  const program = new Float64Array(M)
  const size = new Int32Array(n)
  let cycles = false
  for (let v = 0; v < n; v++) {
    const c = component[v]
    if (++size[c] === 2) cycles = true
    const self = nodes[v].self
    for (let m = 0; m < M; m++) {
      rootCost[c * M + m] += self[m]
      program[m] += self[m]
    }
  }

  const calls = new Float64Array(n)
  const primitiveCalls = new Float64Array(n)
  /** Bit 1: some arc gave the callee a count; bit 2: some arc from outside its component. */
  const counted = new Uint8Array(n)
  for (let i = 0; i < edges.length; i++) {
    const callerComponent = component[from[i]]
    const callee = to[i]
    const calleeComponent = component[callee]
    const count = edges.calls[i] // NaN: unknown
    if (!Number.isNaN(count)) {
      calls[callee] += count
      counted[callee] |= 1
    }
    if (callerComponent === calleeComponent) continue
    const into = calleeComponent * M
    const out = callerComponent * M
    for (let m = 0; m < M; m++) {
      entering[into + m] += edges.total[i * M + m]
      rootCost[out + m] += edges.total[i * M + m]
    }
    if (!Number.isNaN(count)) {
      primitiveCalls[callee] += count
      counted[callee] |= 2
    }
  }

  for (let v = 0; v < n; v++) {
    const node = nodes[v]
    const at = component[v] * M
    // A component both called and run at the top (a thread's root, a truncated stack) has
    // activations no arc enters: its self plus leaving arcs then exceed the entering arcs.
    for (let m = 0; m < M; m++) {
      const cost = Math.max(entering[at + m], rootCost[at + m])
      node.total[m] = Math.max(node.self[m], Math.min(cost, program[m]))
    }
    setCount(node, 'calls', counted[v] & 1 ? calls[v] : undefined)
    setCount(node, 'primitiveCalls', counted[v] & 2 ? primitiveCalls[v] : undefined)
  }
  return { notes: cycles ? [CYCLE_NOTE] : [] }
}

/** The vertex (index in `nodes`) of each frame id; frame ids are small and dense. */
function vertexOfFrame(nodes: readonly GraphNode[]): Int32Array {
  let max = -1
  for (let v = 0; v < nodes.length; v++) max = Math.max(max, nodes[v].frame)
  const vertex = new Int32Array(max + 1)
  for (let v = 0; v < nodes.length; v++) vertex[nodes[v].frame] = v
  return vertex
}

/** Sets a count, or leaves the property out when no arc gave one. */
function setCount(node: GraphNode, key: 'calls' | 'primitiveCalls', value: number | undefined) {
  if (value !== undefined) node[key] = value
  else if (key in node) delete node[key]
}

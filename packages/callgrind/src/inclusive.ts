import { addInto, stronglyConnected, type CallGraph } from '@profconv/model'

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
  const { nodes, edges } = graph
  const vertex = new Map<number, number>()
  nodes.forEach((node, i) => vertex.set(node.frame, i))
  const start = new Int32Array(nodes.length + 1)
  for (const e of edges) start[vertex.get(e.caller)! + 1]++
  for (let i = 0; i < nodes.length; i++) start[i + 1] += start[i]
  const fill = start.slice()
  const targets = new Int32Array(edges.length)
  for (const e of edges) targets[fill[vertex.get(e.caller)!]++] = vertex.get(e.callee)!
  const component = stronglyConnected(start, targets)

  let count = 0
  for (const c of component) count = Math.max(count, c + 1)
  const size = new Int32Array(count)
  component.forEach((c) => size[c]++)
  const zeros = () => new Array<number>(metricCount).fill(0)
  const entering = Array.from({ length: count }, zeros)
  // For components nobody calls: their self plus the arcs that leave them.
  const rootCost = Array.from({ length: count }, zeros)
  nodes.forEach((node, i) => addInto(rootCost[component[i]], node.self))

  for (const node of nodes) {
    node.calls = undefined
    node.primitiveCalls = undefined
  }
  for (const e of edges) {
    const from = component[vertex.get(e.caller)!]
    const callee = nodes[vertex.get(e.callee)!]
    const to = component[vertex.get(e.callee)!]
    if (e.calls !== undefined) callee.calls = (callee.calls ?? 0) + e.calls
    if (from === to) continue
    addInto(entering[to], e.total)
    addInto(rootCost[from], e.total)
    if (e.calls !== undefined) callee.primitiveCalls = (callee.primitiveCalls ?? 0) + e.calls
  }

  const program = zeros()
  for (const node of nodes) addInto(program, node.self)
  nodes.forEach((node, i) => {
    const c = component[i]
    // A component both called and run at the top (a thread's root, a truncated stack) has
    // activations no arc enters: its self plus leaving arcs then exceed the entering arcs.
    for (let m = 0; m < metricCount; m++) {
      const cost = Math.max(entering[c][m], rootCost[c][m])
      node.total[m] = Math.max(node.self[m], Math.min(cost, program[m]))
    }
    if (node.calls === undefined) delete node.calls
    if (node.primitiveCalls === undefined) delete node.primitiveCalls
  })
  return { notes: size.some((s) => s > 1) ? [CYCLE_NOTE] : [] }
}

import { CYCLE_TOTALS_NOTE, estimateCycleTotals, stronglyConnected } from '@profconv/model'
import type { CostGraph } from './cost-graph.js'

/** The note added when mutual recursion made some functions' totals estimates. */
export const CYCLE_NOTE = CYCLE_TOTALS_NOTE

/** Per function `f` (and metric `m` at `f * metricCount + m`), what `functionTotals` found. */
export interface FunctionTotals {
  total: Float64Array
  calls: Float64Array
  primitiveCalls: Float64Array
  /** Bit 1: some arc gave the function a call count; bit 2: some arc from outside its component. */
  counted: Uint8Array
  /** The sum of all self costs, per metric. */
  program: Float64Array
  /** Whether some functions share a call cycle (then their totals are estimates: `CYCLE_NOTE`). */
  cycles: boolean
  /** 1 for the functions whose total is estimated (members of cycles), when `cycles`. */
  estimated?: Uint8Array
  /** Some cycle had more entries than were followed (`CYCLE_POOLED_NOTE`). */
  pooled?: boolean
}

/**
 * Every function's `total`, `calls` and `primitiveCalls` from the call arcs, so that recursion
 * never makes a total exceed the program total (callgrind_annotate --inclusive=yes
 * sums every arc and shows recursive functions above 100%).
 *
 * The rule: group functions into strongly connected components (a function with a self-arc is
 * its own component). An arc entering a component from outside starts an outermost activation
 * of it, and outermost activations never overlap, so the sum of the entering arcs' inclusive
 * costs is the component's exact inclusive cost. A component nobody calls (a root) costs its
 * members' self plus the arcs leaving it, and so does one that is both called and run at the top
 * (a thread's root, a stack pprof truncated), whose top-level activations no arc enters: the
 * larger of the two figures is kept. A function alone in its component (also with direct
 * recursion, and `fn'2` names from `--separate-recs`) gets that figure, which is exact; the
 * members of a cycle of several share the cycle's figure as the model's `estimateCycleTotals`
 * estimates it (with `CYCLE_NOTE`).
 * A total is never below the function's self, and never above the program total (the sum of
 * all self costs), which arcs can pass in files whose arcs carry cost no function's self does
 * (callgrind's cache simulation, yappi's rounding).
 *
 * `calls` counts every call of a function, `primitiveCalls` those from outside its component
 * (pstats' `nc` and `cc`); `counted` says which some arc gave. Edges keep the summed inclusive
 * cost of their calls, as the file states it.
 *
 * All of it runs on the graph's typed arrays (no object per function or arc), once per part,
 * mostly before the JIT has compiled it: few, fused loops.
 */
export function functionTotals(graph: CostGraph): FunctionTotals {
  const M = graph.metricCount
  const n = graph.functionCount
  const arcs = graph.arcCount
  const { arcCaller: from, arcCallee: to, arcTotal, arcCalls, self } = graph
  const start = new Int32Array(n + 1)
  for (let a = 0; a < arcs; a++) start[from[a] + 1]++
  for (let v = 0; v < n; v++) start[v + 1] += start[v]
  const fill = start.slice()
  const targets = new Int32Array(arcs)
  for (let a = 0; a < arcs; a++) targets[fill[from[a]]++] = to[a]
  const component = stronglyConnected(start, targets)
  // Each component is named by its first function, so a graph without cycles reads the arrays
  // below in function order rather than in the scattered order of component ids.
  const first = new Int32Array(n).fill(-1)
  const group = new Int32Array(n)
  for (let v = 0; v < n; v++) {
    const c = component[v]
    if (first[c] < 0) first[c] = v
    group[v] = first[c]
  }

  // Per component (named as in `group`) and metric, at c * M + m: the cost of the arcs entering
  // it, and (for components nobody calls) its self plus the arcs that leave it.
  const entering = new Float64Array(n * M)
  const rootCost = new Float64Array(n * M)
  const program = new Float64Array(M)
  const size = new Int32Array(n)
  let cycles = false
  for (let v = 0; v < n; v++) {
    const c = group[v]
    if (++size[c] === 2) cycles = true
    for (let m = 0; m < M; m++) {
      rootCost[c * M + m] += self[v * M + m]
      program[m] += self[v * M + m]
    }
  }

  const calls = new Float64Array(n)
  const primitiveCalls = new Float64Array(n)
  const counted = new Uint8Array(n)
  for (let a = 0; a < arcs; a++) {
    const callerComponent = group[from[a]]
    const callee = to[a]
    const calleeComponent = group[callee]
    const count = arcCalls[a] // 0: unknown (calls=0 is how pprof and profconv write it)
    if (count !== 0) {
      calls[callee] += count
      counted[callee] |= 1
    }
    if (callerComponent === calleeComponent) continue
    const into = calleeComponent * M
    const out = callerComponent * M
    for (let m = 0; m < M; m++) {
      entering[into + m] += arcTotal[a * M + m]
      rootCost[out + m] += arcTotal[a * M + m]
    }
    if (count !== 0) {
      primitiveCalls[callee] += count
      counted[callee] |= 2
    }
  }

  const total = new Float64Array(n * M)
  for (let v = 0; v < n; v++) {
    const at = group[v] * M
    // A component both called and run at the top (a thread's root, a truncated stack) has
    // activations no arc enters: its self plus leaving arcs then exceed the entering arcs.
    for (let m = 0; m < M; m++) {
      const cost = Math.max(entering[at + m], rootCost[at + m])
      total[v * M + m] = Math.max(self[v * M + m], Math.min(cost, program[m]))
    }
  }
  if (!cycles) return { total, calls, primitiveCalls, counted, program, cycles }
  const { estimated, pooled } = estimateCycleTotals({
    functionCount: n,
    metricCount: M,
    arcCount: arcs,
    arcCaller: from,
    arcCallee: to,
    arcTotal,
    self,
    total,
    component,
  })
  return { total, calls, primitiveCalls, counted, program, cycles, estimated, pooled }
}

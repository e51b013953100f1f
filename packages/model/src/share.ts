import { graphTotals, type CallGraph } from './graph.js'

/**
 * What every share of a call graph is a share of (100 %), per metric: the sum of all self costs,
 * or the largest function total where one is larger (a pstats `ct` can exceed the profile's
 * `total_tt`: a re-entered `builtins.exec`, timer granularity). gprof2dot's rule: so no box,
 * arrow or row ever shows more than 100 %.
 */
export function shareTotals(graph: CallGraph, metricCount: number): number[] {
  const totals = graphTotals(graph, metricCount)
  for (const node of graph.nodes)
    for (let m = 0; m < metricCount; m++) if (node.total[m] > totals[m]) totals[m] = node.total[m]
  return totals
}

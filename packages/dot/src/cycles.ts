import { graphCycles, type CallGraph } from '@profconv/model'

/**
 * The calls that go back up a recursion, drawn the gprof2dot way (with their call count but no
 * share of the total, weighted as the lighter of their two ends): every self-call, and within
 * each cycle of mutual recursion (a strongly connected component, found by the model's
 * iterative Tarjan) every call to a member no farther from the cycle's entry than the caller.
 * Members are ranked by their call distance from the entries, the members called from outside
 * the cycle (the heaviest member when none is). Iterative throughout: cycles of any length work.
 * Returns the indices into `graph.edges`.
 */
export function backEdges(graph: CallGraph, metric: number): Set<number> {
  const back = new Set<number>()
  graph.edges.forEach((e, i) => e.caller === e.callee && back.add(i))
  const cycles = graphCycles(graph)
  if (cycles.length === 0) return back

  const cycleOf = new Map<number, number>()
  cycles.forEach((members, c) => members.forEach((f) => cycleOf.set(f, c)))
  const inside = new Map<number, number[]>()
  const entries: Set<number>[] = cycles.map(() => new Set())
  for (const e of graph.edges) {
    const c = cycleOf.get(e.callee)
    if (c === undefined || e.caller === e.callee) continue
    if (cycleOf.get(e.caller) === c) {
      if (!inside.has(e.caller)) inside.set(e.caller, [])
      inside.get(e.caller)!.push(e.callee)
    } else entries[c].add(e.callee)
  }
  const totalOf = new Map(graph.nodes.map((node) => [node.frame, node.total[metric] ?? 0]))
  const rank = new Map<number, number>()
  cycles.forEach((members, c) => {
    const start =
      entries[c].size > 0
        ? [...entries[c]]
        : [members.reduce((a, b) => (totalOf.get(b)! > totalOf.get(a)! ? b : a))]
    // Breadth-first from every entry at once.
    let frontier = start
    for (const f of frontier) rank.set(f, 0)
    for (let distance = 1; frontier.length > 0; distance++) {
      const next: number[] = []
      for (const f of frontier)
        for (const callee of inside.get(f) ?? [])
          if (!rank.has(callee)) {
            rank.set(callee, distance)
            next.push(callee)
          }
      frontier = next
    }
  })
  graph.edges.forEach((e, i) => {
    const c = cycleOf.get(e.caller)
    if (
      c !== undefined &&
      cycleOf.get(e.callee) === c &&
      rank.get(e.callee)! <= rank.get(e.caller)!
    )
      back.add(i)
  })
  return back
}

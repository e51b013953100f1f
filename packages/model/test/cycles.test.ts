import {
  FrameTable,
  SamplesBuilder,
  estimateCycleTotals,
  estimateSamples,
  graphComponents,
  samplesToGraph,
  shareTotals,
  type CallGraph,
} from '../src/index.js'

/** Deterministic PRNG (mulberry32). */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A call graph as typed arrays, vertex = node position, for `estimateCycleTotals`. */
function arrays(graph: CallGraph, total: (v: number) => number) {
  const position = new Map(graph.nodes.map((n, v) => [n.frame, v]))
  return {
    functionCount: graph.nodes.length,
    metricCount: 1,
    arcCount: graph.edges.length,
    arcCaller: Int32Array.from(graph.edges, (e) => position.get(e.caller)!),
    arcCallee: Int32Array.from(graph.edges, (e) => position.get(e.callee)!),
    arcTotal: Float64Array.from(graph.edges, (e) => e.total[0]),
    self: Float64Array.from(graph.nodes, (n) => n.self[0]),
    total: Float64Array.from(graph.nodes, (_, v) => total(v)),
  }
}

/**
 * Random programs with recursion: stacks from a root through functions chosen at random (with
 * repeats: cycles), graphs derived exactly (every total and arc is the true one).
 */
function randomProgram(seed: number) {
  const rand = random(seed)
  const frames = new FrameTable()
  const ids = Array.from({ length: 4 + Math.floor(rand() * 10) }, (_, i) =>
    frames.intern({ name: `f${i}` }),
  )
  const stacks = new SamplesBuilder(1)
  for (let s = 0; s < 80; s++) {
    const stack = [ids[0]]
    const depth = 1 + Math.floor(rand() * 8)
    for (let d = 0; d < depth; d++) stack.push(ids[1 + Math.floor(rand() * (ids.length - 1))])
    stacks.addStack(stack, [1 + Math.floor(rand() * 100)])
  }
  return samplesToGraph(stacks.finish(), 1)
}

/**
 * The graph as callgrind's reader makes it: every member of a cycle carries the cycle's cost
 * (the calls entering it, or its members' self plus calls leaving it, the larger).
 */
function withCycleCosts(exact: CallGraph) {
  const component = graphComponents(exact)
  const size = new Map<number, number>()
  for (const c of component.values()) size.set(c, (size.get(c) ?? 0) + 1)
  const cost = new Map<number, number>()
  const entering = new Map<number, number>()
  for (const n of exact.nodes) {
    const c = component.get(n.frame)!
    cost.set(c, (cost.get(c) ?? 0) + n.self[0])
  }
  for (const e of exact.edges) {
    const from = component.get(e.caller)!
    const to = component.get(e.callee)!
    if (from === to) continue
    cost.set(from, cost.get(from)! + e.total[0])
    entering.set(to, (entering.get(to) ?? 0) + e.total[0])
  }
  const cycleCost = (frame: number) => {
    const c = component.get(frame)!
    return Math.max(cost.get(c)!, entering.get(c) ?? 0)
  }
  const inCycle = (frame: number) => size.get(component.get(frame)!)! > 1
  return { component, cycleCost, inCycle }
}

describe('estimateCycleTotals (gprof2dot’s integration of cycles)', () => {
  test('the member a cycle is entered at carries its cost; a deeper one what flows to it', () => {
    // main (1) calls even (19 inclusive); even (self 5) ↔ odd (self 14); the arcs inside the
    // cycle count nested calls again (30 and 28), as callgrind's do.
    const g = {
      functionCount: 3,
      metricCount: 1,
      arcCount: 3,
      arcCaller: Int32Array.of(0, 1, 2),
      arcCallee: Int32Array.of(1, 2, 1),
      arcTotal: Float64Array.of(19, 30, 28),
      self: Float64Array.of(1, 5, 14),
      total: Float64Array.of(20, 19, 19),
    }
    const { estimated } = estimateCycleTotals(g)
    expect(Array.from(g.total)).toEqual([20, 19, 14])
    expect(Array.from(estimated)).toEqual([0, 1, 1])
  })

  test('a cycle nobody calls is entered at its member of most own cost', () => {
    // a ↔ b ↔ c, no root (the benchmark's generated files): b has the most own cost.
    const g = {
      functionCount: 3,
      metricCount: 1,
      arcCount: 4,
      arcCaller: Int32Array.of(0, 1, 1, 2),
      arcCallee: Int32Array.of(1, 0, 2, 1),
      arcTotal: Float64Array.of(80, 60, 20, 50),
      self: Float64Array.of(10, 60, 30),
      total: Float64Array.of(100, 100, 100),
    }
    estimateCycleTotals(g)
    expect(g.total[1]).toBeCloseTo(100)
    for (const v of [0, 2]) expect(g.total[v]).toBeLessThan(100)
  })

  test('random programs: every estimate lies between its exact lower bound and the cycle cost', () => {
    let cycles = 0
    for (let seed = 1; seed <= 200; seed++) {
      const exact = randomProgram(seed)
      const { component, cycleCost, inCycle } = withCycleCosts(exact)
      const g = arrays(exact, (v) =>
        inCycle(exact.nodes[v].frame) ? cycleCost(exact.nodes[v].frame) : exact.nodes[v].total[0],
      )
      const { estimated } = estimateCycleTotals(g)
      exact.nodes.forEach((n, v) => {
        if (!inCycle(n.frame)) {
          // Outside cycles: exactly the total it had.
          expect(estimated[v]).toBe(0)
          expect(g.total[v]).toBe(n.total[0])
          return
        }
        cycles++
        expect(estimated[v]).toBe(1)
        const c = component.get(n.frame)
        let own = n.self[0]
        let enter = 0
        for (const e of exact.edges) {
          if (e.caller === n.frame && component.get(e.callee) !== c) own += e.total[0]
          if (e.callee === n.frame && component.get(e.caller) !== c) enter += e.total[0]
        }
        const lower = Math.max(own, enter)
        // The lower bound is exact: never above the true total (known here from the stacks).
        expect(lower).toBeLessThanOrEqual(n.total[0] + 1e-9)
        expect(g.total[v]).toBeGreaterThanOrEqual(lower - 1e-9)
        expect(g.total[v]).toBeLessThanOrEqual(cycleCost(n.frame) + 1e-9)
      })
      // A cycle entered at one member only: that member carries the cycle's whole cost.
      const entries = new Map<number, Set<number>>()
      for (const e of exact.edges) {
        const c = component.get(e.callee)!
        if (component.get(e.caller) === c || !inCycle(e.callee)) continue
        if (!entries.has(c)) entries.set(c, new Set())
        entries.get(c)!.add(e.callee)
      }
      for (const [, members] of entries) {
        if (members.size !== 1) continue
        const [entry] = members
        const v = exact.nodes.findIndex((n) => n.frame === entry)
        expect(g.total[v]).toBeCloseTo(cycleCost(entry), 9)
      }
    }
    expect(cycles).toBeGreaterThan(100)
  })
})

describe('stacks estimated through cycles', () => {
  test('random programs: cost entered at the root stays under it, self exact', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const exact = randomProgram(seed)
      const { cycleCost, inCycle } = withCycleCosts(exact)
      // The callgrind reader's graph: members' totals estimated from their cycle's cost.
      const g = arrays(exact, (v) =>
        inCycle(exact.nodes[v].frame) ? cycleCost(exact.nodes[v].frame) : exact.nodes[v].total[0],
      )
      estimateCycleTotals(g)
      const graph: CallGraph = {
        nodes: exact.nodes.map((n, v) => ({ ...n, total: [g.total[v]] })),
        edges: exact.edges,
      }
      const back = samplesToGraph(estimateSamples(graph, 1).samples, 1)
      const root = exact.nodes[0]
      const rootBack = back.nodes.find((n) => n.frame === root.frame)!
      expect(rootBack.total[0]).toBeGreaterThanOrEqual(root.total[0] * 0.999)
      for (const want of exact.nodes) {
        const got = back.nodes.find((n) => n.frame === want.frame)!
        expect(got.self[0]).toBeCloseTo(want.self[0], 6)
        expect(got.total[0]).toBeLessThanOrEqual(root.total[0] * (1 + 1e-9))
      }
    }
  })
})

describe('shareTotals (no share above 100 %)', () => {
  test('the larger of the self sum and the largest total', () => {
    const graph: CallGraph = {
      nodes: [
        { frame: 0, self: [1], total: [12] },
        { frame: 1, self: [9], total: [9] },
      ],
      edges: [],
    }
    expect(shareTotals(graph, 1)).toEqual([12])
    expect(shareTotals({ ...graph, nodes: graph.nodes.slice(1) }, 1)).toEqual([9])
  })
})

import { gzipSync } from 'node:zlib'
import {
  FrameTable,
  GraphBuilder,
  LineSplitter,
  ProfconvError,
  SamplesBuilder,
  StackTree,
  dumpGraph,
  dumpStacks,
  estimateSamples,
  graphCycles,
  graphOf,
  maybeGunzip,
  mergeProfiles,
  newMeta,
  samplesToGraph,
  stacklessCost,
  withGraph,
  withSamples,
  type CallGraph,
  type Profile,
} from '../src/index.js'

/** A profile from folded-style stacks: `['main;a;b', 3]`, one metric. */
function fromStacks(stacks: [string, number][]): Profile {
  const frames = new FrameTable()
  const samples = new SamplesBuilder(1)
  for (const [stack, value] of stacks) {
    samples.addStack(
      stack.split(';').map((name) => frames.intern({ name })),
      [value],
    )
  }
  return {
    metrics: [{ name: 'samples', unit: 'count' }],
    defaultMetric: 0,
    frames,
    samples: samples.finish(),
    meta: newMeta('test'),
  }
}

function node(profile: Profile, graph: CallGraph, name: string) {
  return graph.nodes.find((n) => profile.frames.get(n.frame).name === name)!
}

/** Deterministic PRNG (mulberry32) for the property tests. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('FrameTable', () => {
  test('identity is the whole tuple', () => {
    const t = new FrameTable()
    const a = t.intern({ name: 'parse', file: 'a.py', line: 1 })
    expect(t.intern({ name: 'parse', file: 'a.py', line: 1 })).toBe(a)
    expect(t.intern({ name: 'parse', file: 'b.py', line: 1 })).not.toBe(a)
    expect(t.intern({ name: 'parse', file: 'a.py', line: 2 })).not.toBe(a)
    expect(t.intern({ name: 'parse' })).not.toBe(t.intern({ name: 'parse', file: '' }))
    expect(t.length).toBe(5)
  })
})

describe('StackTree', () => {
  test('shares prefixes, children after parents, survives rehashing', () => {
    const tree = new StackTree()
    const leaves = new Map<string, number>()
    for (let i = 0; i < 5000; i++) {
      const stack = [0, i % 7, i % 13, i % 101]
      leaves.set(stack.join(), tree.insert(stack))
    }
    for (const [key, leaf] of leaves) expect(tree.stack(leaf).join()).toBe(key)
    for (let n = 0; n < tree.length; n++) expect(tree.parent(n)).toBeLessThan(n)
    expect(tree.insert([0, 1, 1, 1])).toBe(leaves.get('0,1,1,1'))
    expect(tree.insert([])).toBe(-1)
  })
})

describe('samples → graph (exact)', () => {
  test('self to the leaf, total once per distinct function, edges once per distinct pair', () => {
    const p = fromStacks([
      ['main;parse;lex', 10],
      ['main;parse', 5],
      ['main;eval', 3],
    ])
    expect(dumpGraph(p)).toBe(
      [
        'edge main -> eval total=3',
        'edge main -> parse total=15',
        'edge parse -> lex total=10',
        'fn eval self=3 total=3',
        'fn lex self=10 total=10',
        'fn main self=0 total=18',
        'fn parse self=5 total=15',
      ].join('\n'),
    )
  })

  test('recursion never inflates a total beyond the profile total', () => {
    const p = fromStacks([
      ['main;f;g;f;g;f', 4],
      ['main;f;f;f;f', 6],
      ['main;g', 1],
    ])
    const graph = graphOf(p)
    const total = 11
    expect(node(p, graph, 'f').total[0]).toBe(10)
    expect(node(p, graph, 'g').total[0]).toBe(5)
    expect(node(p, graph, 'f').self[0]).toBe(10)
    for (const n of graph.nodes) expect(n.total[0]).toBeLessThanOrEqual(total)
    const ff = graph.edges.find((e) => e.caller === e.callee)!
    expect(ff.total[0]).toBe(6)
    for (const e of graph.edges) expect(e.total[0]).toBeLessThanOrEqual(total)
  })

  test('a 10,000-deep stack derives and finds its cycle without recursion limits', () => {
    const depth = 10_000
    const stack = Array.from({ length: depth }, (_, i) => `f${i % 2}`)
    const p = fromStacks([[['main', ...stack].join(';'), 7]])
    const graph = graphOf(p)
    expect(node(p, graph, 'f0').total[0]).toBe(7)
    expect(node(p, graph, 'f1').self[0]).toBe(7)
    expect(graphCycles(graph).map((c) => c.length)).toEqual([2])
  })

  test('a 10,000-function chain: SCC finds no cycle, and a closing edge makes one', () => {
    const n = 10_000
    const p = fromStacks([[Array.from({ length: n }, (_, i) => `f${i}`).join(';'), 1]])
    const graph = graphOf(p)
    expect(graphCycles(graph)).toEqual([])
    const closed = {
      ...graph,
      edges: [
        ...graph.edges,
        { caller: graph.nodes[n - 1].frame, callee: graph.nodes[0].frame, total: [0] },
      ],
    }
    expect(graphCycles(closed)[0]).toHaveLength(n)
  })
})

test('withGraph: samples without a stack are in no function, left out of the graph with a note', () => {
  // As austin's samples of threads without Python frames: 3 of the 10 µs have no stack.
  const frames = new FrameTable()
  const b = new SamplesBuilder(1)
  b.addStack([frames.intern({ name: 'main' })], [7])
  b.addStack([], [2])
  b.addStack([], [1])
  const p: Profile = {
    metrics: [{ name: 'wall', unit: 'microseconds' }],
    defaultMetric: 0,
    frames,
    samples: b.finish(),
    meta: newMeta('test'),
  }
  const g = withGraph(p)
  expect(dumpGraph(g)).toBe('fn main self=7 total=7')
  expect(g.meta.notes).toEqual([
    '2 sample(s) without a stack (30% of wall) are in no function: left out of the call graph',
  ])
  expect(p.meta.notes).toEqual([])
  expect(withGraph(fromStacks([['main', 1]])).meta.notes).toEqual([])
  // Their cost, per metric, for writers whose total counts it (pprof's does).
  expect(stacklessCost(p.samples!, 0)).toEqual({ count: 2, cost: [3] })
})

describe('graph → samples (estimated)', () => {
  test('random DAGs: every self and total is reproduced exactly', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = random(seed)
      const frames = new FrameTable()
      const stacks = new SamplesBuilder(2)
      const names = Array.from({ length: 3 + Math.floor(rand() * 12) }, (_, i) =>
        frames.intern({ name: `f${i}` }),
      )
      // Stacks that only go from lower to higher ids make an acyclic graph.
      for (let s = 0; s < 60; s++) {
        const stack = [names[0]]
        for (let i = 1; i < names.length; i++) if (rand() < 0.35) stack.push(names[i])
        stacks.addStack(stack, [Math.floor(rand() * 100), rand() * 10])
      }
      const source = samplesToGraph(stacks.finish(), 2)
      // Without the cut every self and total is exact; with the default cut, self stays exact
      // and totals lose at most what the cut paths carried.
      const exact = samplesToGraph(estimateSamples(source, 2, { cutFraction: 0 }).samples, 2)
      const cut = samplesToGraph(estimateSamples(source, 2).samples, 2)
      const grand = source.nodes.reduce((s, n) => s + n.self[0], 0)
      for (const want of source.nodes) {
        const got = exact.nodes.find((n) => n.frame === want.frame)!
        const approx = cut.nodes.find((n) => n.frame === want.frame)!
        for (let m = 0; m < 2; m++) {
          expect(got.self[m]).toBeCloseTo(want.self[m], 6)
          expect(got.total[m]).toBeCloseTo(want.total[m], 6)
          expect(approx.self[m]).toBeCloseTo(want.self[m], 6)
        }
        expect(Math.abs(approx.total[0] - want.total[0])).toBeLessThan(grand * 1e-3)
      }
    }
  })

  test('recursion is cut, not multiplied; self is kept; a note is added', () => {
    const p = fromStacks([
      ['main;f;f;f;g', 8],
      ['main;f', 2],
    ])
    const graphOnly: Profile = { ...p, samples: undefined, graph: graphOf(p) }
    const estimated = withSamples(graphOnly)
    expect(estimated.meta.notes.join()).toMatch(/estimated/)
    const back = graphOf({ ...estimated, graph: undefined })
    expect(node(estimated, back, 'g').self[0]).toBeCloseTo(8)
    expect(node(estimated, back, 'f').self[0]).toBeCloseTo(2)
    expect(node(estimated, back, 'main').total[0]).toBeCloseTo(10)
    expect(
      dumpStacks(estimated)
        .split('\n')
        .every((line) => !/f;f/.test(line)),
    ).toBe(true)
  })

  test('the output stays bounded on a graph with exponentially many paths', () => {
    const frames = new FrameTable()
    const graph = new GraphBuilder(1)
    const layers = 40
    const ids = Array.from({ length: layers * 2 }, (_, i) => frames.intern({ name: `n${i}` }))
    for (let l = 0; l < layers - 1; l++) {
      for (const a of [ids[2 * l], ids[2 * l + 1]]) {
        for (const b of [ids[2 * l + 2], ids[2 * l + 3]])
          graph.edge(a, b).total[0] = 2 ** (layers - l - 2)
      }
    }
    for (let l = 0; l < layers; l++) {
      for (const a of [ids[2 * l], ids[2 * l + 1]]) {
        graph.node(a).total[0] = 2 ** (layers - l - 1)
        graph.node(a).self[0] = l === layers - 1 ? 1 : 0
      }
    }
    const { samples, unplaced } = estimateSamples(graph.finish(), 1, { maxNodes: 100_000 })
    expect(samples.tree.length).toBeLessThanOrEqual(100_000 + 2 * layers)
    expect(unplaced[0]).toBeGreaterThan(0)
    const back = samplesToGraph(samples, 1)
    const selfSum = back.nodes.reduce((s, n) => s + n.self[0], 0)
    expect(selfSum).toBeCloseTo(2)
  })
})

describe('merge', () => {
  test('samples of the same program add up; metrics matched by name', () => {
    const a = fromStacks([['main;f', 1]])
    const b = fromStacks([
      ['main;f', 2],
      ['main;g', 3],
    ])
    expect(dumpStacks(mergeProfiles([a, b]))).toBe('main;f 3\nmain;g 3')
  })

  test('metrics with the same name and different units are refused', () => {
    const a = fromStacks([['main', 1]])
    const b = { ...fromStacks([['main', 1]]), metrics: [{ name: 'samples', unit: 'bytes' }] }
    expect(() => mergeProfiles([a, b])).toThrow(ProfconvError)
  })
})

describe('input helpers', () => {
  test('gunzip with a cap: a bomb is refused', () => {
    const big = new Uint8Array(10_000_000)
    const gz = new Uint8Array(gzipSync(big))
    expect(maybeGunzip(gz, 'x').length).toBe(big.length)
    expect(() => maybeGunzip(gz, 'x', 1_000_000)).toThrow(/limit of 1000000 bytes/)
  })

  test.each([1, 2, 3, 7, 1 << 20])(
    'LineSplitter with %d-byte chunks: CRLF, UTF-8, no final newline',
    (size) => {
      const text = 'a;b 1\r\nünïcödé ✓ 2\n\nlast 3'
      const bytes = new TextEncoder().encode(text)
      const lines: string[] = []
      const splitter = new LineSplitter((line) => lines.push(line))
      for (let at = 0; at < bytes.length; at += size) splitter.push(bytes.subarray(at, at + size))
      splitter.end()
      expect(lines).toEqual(['a;b 1', 'ünïcödé ✓ 2', '', 'last 3'])
    },
  )

  test('LineSplitter reads UTF-16 with a BOM', () => {
    const text = '\ufeffx;y 1\r\nz 2\n'
    const bytes = new Uint8Array(text.length * 2)
    for (let i = 0; i < text.length; i++) {
      bytes[2 * i] = text.charCodeAt(i) & 0xff
      bytes[2 * i + 1] = text.charCodeAt(i) >> 8
    }
    const lines: string[] = []
    const splitter = new LineSplitter((line) => lines.push(line))
    for (let at = 0; at < bytes.length; at += 3) splitter.push(bytes.subarray(at, at + 3))
    splitter.end()
    expect(lines).toEqual(['x;y 1', 'z 2'])
  })
})

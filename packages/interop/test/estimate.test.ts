import { graphOf, graphTotals, samplesToGraph, withSamples } from '@profconv/model'
import { readPstats } from '@profconv/pstats'
import { readCallgrind } from '@profconv/callgrind'
import { fixture } from '@profconv/testkit'

// Stacks estimated from real call graphs (cProfile counts recursive edges again at every level;
// Python's importlib puts exec in a cycle at the very top): self stays exact, almost all of it
// sits on real paths, and no total passes the program total.
const SOURCES: [string, () => ReturnType<typeof readPstats>][] = [
  ...[
    'recursion',
    'builtins_gen',
    'asyncio_app',
    'classes',
    'recursion.profile',
    'recursion.yappi',
  ].map(
    (name) =>
      [`pstats/${name}.prof`, () => readPstats(fixture(`pstats/${name}.prof`))] as [
        string,
        () => ReturnType<typeof readPstats>,
      ],
  ),
  [
    'callgrind/rec-plain.callgrind',
    () => readCallgrind(fixture('callgrind/rec-plain.callgrind'))[0],
  ],
  ['callgrind/yappi.callgrind', () => readCallgrind(fixture('callgrind/yappi.callgrind'))[0]],
]

describe.each(SOURCES)('stacks estimated from %s', (_, read) => {
  const source = read()
  const estimated = withSamples(source)
  const back = samplesToGraph(estimated.samples!, source.metrics.length)
  const m = source.defaultMetric
  const total = graphTotals(graphOf(source), source.metrics.length)[m]

  test('every function keeps its self cost', () => {
    for (const want of graphOf(source).nodes) {
      const got = back.nodes.find((n) => n.frame === want.frame)
      expect(got?.self[m] ?? 0).toBeCloseTo(want.self[m], 9)
    }
  })

  test('no total passes the program total', () => {
    for (const n of back.nodes) expect(n.total[m]).toBeLessThanOrEqual(total * (1 + 1e-9))
  })

  test('less than 1% of the total is left off the real paths', () => {
    const cut = estimated.meta.notes.find((n) => n.includes('cut short'))
    const share = cut ? Number(/^([\d.]+)%/.exec(cut)![1]) : 0
    expect(share).toBeLessThan(1)
  })
})

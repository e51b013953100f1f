import { readCallgrind } from '@profconv/callgrind'
import {
  FrameTable,
  GraphBuilder,
  PositionBuilder,
  checkPositions,
  dumpPositions,
  graphCycles,
  graphOf,
  graphTotals,
  nanosecondsPer,
  newMeta,
  withSamples,
  ESTIMATED_STACKS_NOTE,
  type Profile,
} from '@profconv/model'
import { readPstats } from '@profconv/pstats'
import { describeWithTool, fixture, run } from '@profconv/testkit'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readPprof } from '../src/read.js'
import { CALLS_NOTE, writePprof } from '../src/write.js'
import { parseTop } from './top.js'

const sources: [string, () => Profile][] = [
  ['pstats classes.prof', () => readPstats(fixture('pstats/classes.prof'))],
  ['pstats recursion.prof', () => readPstats(fixture('pstats/recursion.prof'))],
  ['pstats asyncio_app.prof', () => readPstats(fixture('pstats/asyncio_app.prof'))],
  ['callgrind threads-01', () => readCallgrind(fixture('callgrind/threads-01.callgrind'))[0]],
  ['callgrind rec-plain', () => readCallgrind(fixture('callgrind/rec-plain.callgrind'))[0]],
  ['callgrind rec-cache', () => readCallgrind(fixture('callgrind/rec-cache.callgrind'))[0]],
]

/** Self cost per function name in the source, in the unit pprof shows (ns for time). */
function sourceSelf(profile: Profile, m: number): Map<string, number> {
  const scale = nanosecondsPer(profile.metrics[m].unit) ?? 1
  const out = new Map<string, number>()
  for (const node of graphOf(profile).nodes) {
    const name = profile.frames.get(node.frame).name
    out.set(name, (out.get(name) ?? 0) + node.self[m] * scale)
  }
  return out
}

describeWithTool('go', 'call-graph sources written as pprof, read by go tool pprof', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profconv-pprof-graph-'))
  test.each(sources)('%s: per-function self equals the source', (name, read) => {
    const source = read()
    const prepared = withSamples(source)
    const file = join(dir, `${name.replace(/\W+/g, '_')}.pb.gz`)
    writeFileSync(file, writePprof(prepared))
    expect(prepared.meta.notes).toContain(ESTIMATED_STACKS_NOTE)
    if (graphOf(source).nodes.some((n) => n.calls !== undefined)) {
      expect(prepared.meta.notes).toContain(CALLS_NOTE)
    }
    const graph = graphOf(source)
    const recursive =
      graphCycles(graph).length > 0 || graph.edges.some((e) => e.caller === e.callee)
    source.metrics.forEach((metric, m) => {
      const time = nanosecondsPer(metric.unit) !== undefined
      const args = ['tool', 'pprof', '-top', '-nodecount=0', '-nodefraction=0', '-edgefraction=0']
      if (time) args.push('-unit=ns')
      const top = parseTop(run('go', [...args, `-sample_index=${metric.name}`, file]))
      // The estimate's notes are in the file's comments, which pprof prints.
      const expected = sourceSelf(source, m)
      const total =
        graphTotals(graph, source.metrics.length)[m] * (nanosecondsPer(metric.unit) ?? 1)
      // Exact up to integer rounding (carried per function); with recursion within 0.5 % of the total.
      const slack = recursive ? 0.005 * total : 1
      let checked = 0
      const wrong: string[] = []
      for (const [fn, self] of expected) {
        if (Math.abs(self) < 1e-9 && !top.has(fn)) continue
        const flat = top.get(fn)?.flat ?? 0
        if (Math.abs(flat - self) > slack)
          wrong.push(`${metric.name} ${fn}: pprof ${flat}, source ${self}`)
        checked++
      }
      expect(wrong).toEqual([])
      expect(checked).toBeGreaterThan(3)
    })
  })
})

test('estimated stacks of several count metrics: one note names every metric rounded', () => {
  // rec-cache has 9 events (Ir, Dr, …); the estimate's fractions are rounded in each of them.
  const prepared = withSamples(readCallgrind(fixture('callgrind/rec-cache.callgrind'))[0])
  writePprof(prepared)
  const rounded = prepared.meta.notes.filter((n) => n.includes('were rounded to integers'))
  const names = prepared.metrics.map((m) => m.name)
  expect(rounded).toEqual([
    `values of ${names.join(', ')} were rounded to integers (pprof values are integers)`,
  ])
})

describe('position detail beside a call graph (callgrind) written into the stacks', () => {
  /**
   * r1 and r2 call main (3:1), which calls f from lines 10 (3/4 of the cost) and 20; f's self
   * is at a.c:5, a.c:6, h.h:3.
   */
  function profile(): Profile {
    const frames = new FrameTable()
    const r1 = frames.intern({ name: 'r1', file: 'a.c' })
    const r2 = frames.intern({ name: 'r2', file: 'a.c' })
    const main = frames.intern({ name: 'main', file: 'a.c' })
    const f = frames.intern({ name: 'f', file: 'a.c' })
    const graph = new GraphBuilder(1)
    graph.node(r1).total[0] = 30
    graph.node(r2).total[0] = 10
    graph.node(main).total[0] = 40
    graph.node(f).self[0] = 40
    graph.node(f).total[0] = 40
    graph.edge(r1, main).total[0] = 30
    graph.edge(r2, main).total[0] = 10
    const edge = graph.edge(main, f)
    edge.total[0] = 40
    edge.calls = 4
    const detail = new PositionBuilder(1)
    const a = detail.file('a.c')
    const h = detail.file('h.h')
    detail.addSite(r1, main, a, 1, 0, 0, [30], 0, NaN)
    detail.addSite(r2, main, a, 2, 0, 0, [10], 0, NaN)
    detail.addSelf(f, a, 5, 0, 0x1005, [24])
    detail.addSelf(f, a, 6, 0, 0x1006, [4])
    detail.addSelf(f, h, 3, 0xffffffff, 0x81000000, [12])
    detail.addSite(main, f, a, 10, 0, 0, [30], 0, 3)
    detail.addSite(main, f, a, 20, 0, 0, [10], 0, 1)
    return {
      metrics: [{ name: 'Ir', unit: 'count' }],
      defaultMetric: 0,
      frames,
      graph: graph.finish(),
      positions: detail.finish(),
      meta: newMeta('callgrind'),
    }
  }

  test('self per line, file and address exact; each call site carries its share of the call', () => {
    const source = profile()
    checkPositions(source.positions!, source.graph!, 'test')
    const prepared = withSamples(source)
    const back = readPprof(writePprof(prepared))
    const rows = dumpPositions(back).split('\n')
    expect(rows.filter((r) => r.startsWith('at '))).toEqual([
      'at f (a.c) a.c:5 @1005 = 24',
      'at f (a.c) a.c:6 @1006 = 4',
      'at f (h.h) h.h:3 @ffffffff81000000 = 12',
    ])
    // The header's code is a second function record of f, in h.h; the calls from each place
    // carry that place's share of f's cost (here the stacks through r1 and r2 go one each way).
    const perPlace = new Map<string, number>()
    for (const r of rows.filter((r) => r.startsWith('site main (a.c) -> f ('))) {
      const [, place, v] = /(a\.c:\d+) = (\S+)$/.exec(r)!
      perPlace.set(place, (perPlace.get(place) ?? 0) + Number(v))
    }
    expect([...perPlace].sort()).toEqual([
      ['a.c:10', 30],
      ['a.c:20', 10],
    ])
    expect(prepared.meta.notes.join()).toContain('shared among the places in proportion')
    expect(back.meta.comments.join()).toContain('shared among the places in proportion')
  })
})

import { readCallgrind } from '@profconv/callgrind'
import {
  graphCycles,
  graphOf,
  graphTotals,
  nanosecondsPer,
  withSamples,
  ESTIMATED_STACKS_NOTE,
  type Profile,
} from '@profconv/model'
import { readPstats } from '@profconv/pstats'
import { describeWithTool, fixture, run } from '@profconv/testkit'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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

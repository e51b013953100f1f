import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { convert, readInput } from '@profconv/core'
import { graphOf, mergeProfiles, nanosecondsPer } from '@profconv/model'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'
import { speedscopeProblems } from '../../speedscope/test/helpers.js'

// Every kind of real Python fixture (cProfile 3.x and 2.7, profile, yappi, Tachyon, austin,
// line_profiler, scalene, pyinstrument, py-spy-style): sniffed as its format, and converted to dot, pprof,
// speedscope and callgrind, each output checked by the tool that reads it.
const FIXTURES: [file: string, format: string][] = [
  ['pstats/recursion.prof', 'pstats'],
  ['pstats/classes.py27.prof', 'pstats'],
  ['pstats/recursion.profile.prof', 'pstats'],
  ['pstats/recursion.py27-profile.prof', 'pstats'],
  ['pstats/recursion.yappi.prof', 'pstats'],
  ['tachyon/work.tachyon.pstats', 'pstats'],
  ['tachyon/work.tachyon.collapsed', 'tachyon-collapsed'],
  ['austin/wall.austin', 'austin'],
  ['austin/full.austin', 'austin'],
  ['austin/wall.documented.austin3', 'austin'],
  ['austin/full.documented.austin3', 'austin'],
  ['line-profiler/work.lprof', 'line-profiler'],
  ['scalene/work.scalene.json', 'scalene'],
  ['scalene/current.documented.scalene.json', 'scalene'],
  ['pyinstrument/work.pyisession', 'pyinstrument'],
  ['pyinstrument/work.pyinstrument.json', 'pyinstrument'],
  ['speedscope/py-spy.speedscope.json', 'speedscope'],
  ['folded/py-spy.folded', 'folded'],
  ['folded/py-spy-raw.sampled.folded', 'folded'],
]

const dir = mkdtempSync(join(tmpdir(), 'profconv-python-'))
const bytes = (out: string | Uint8Array) =>
  typeof out === 'string' ? new TextEncoder().encode(out) : out
/**
 * The total of metric `m` (default: the default metric), in nanoseconds where a time: the sum of
 * the samples (those without a stack too) or, `functionsOnly`, of every function's self cost.
 */
function profileTotal(
  file: string,
  m?: number,
  functionsOnly = false,
): { total: number; unit: string } {
  const profile = mergeProfiles(readInput(fixture(file), { fileName: 'input' }).profiles)
  m ??= profile.defaultMetric
  const unit = profile.metrics[m].unit
  const total =
    profile.samples && !functionsOnly
      ? profile.samples.values[m].reduce((sum, v) => sum + v, 0)
      : graphOf(profile).nodes.reduce((sum, n) => sum + n.self[m!], 0)
  return { total: total * (nanosecondsPer(unit) ?? 1), unit }
}

describe.each(FIXTURES)('%s', (file, format) => {
  test(`is sniffed as ${format} by its content`, () => {
    expect(readInput(fixture(file), { fileName: 'no-extension' }).format.name).toBe(format)
  })

  test('converts to speedscope that passes the schema and its invariants', () => {
    const { output } = convert(fixture(file), { to: 'speedscope' })
    expect(speedscopeProblems(String(output))).toEqual([])
  })

  test('converts to pprof and back with the same total', () => {
    const { output } = convert(fixture(file), { to: 'pprof' })
    const back = mergeProfiles(readInput(bytes(output)).profiles)
    const m = back.defaultMetric
    const sum = back.samples!.values[m].reduce((a, b) => a + b, 0)
    const { total } = profileTotal(file)
    // pprof holds integers (times in nanoseconds): at most half a unit per sample lost.
    const got = sum * (nanosecondsPer(back.metrics[m].unit) ?? 1)
    expect(Math.abs(got - total)).toBeLessThanOrEqual(0.5 * back.samples!.stack.length)
  })
})

describeWithTool('dot', 'the dot drawings of the Python fixtures lay out in Graphviz', () => {
  test.each(FIXTURES)('%s', (file) => {
    const { output } = convert(fixture(file), { to: 'dot' })
    const svg = run('dot', ['-Tsvg'], { input: String(output) })
    expect(svg.match(/<g id="node\d+" class="node">/g)?.length).toBeGreaterThan(0)
  })
})

describeWithTool('go', 'go tool pprof reads the pprof of the Python fixtures', () => {
  test.each(FIXTURES)('%s: its total is the profile’s', (file) => {
    const out = join(dir, `${file.replace(/\W/g, '_')}.pb.gz`)
    writeFileSync(out, convert(fixture(file), { to: 'pprof' }).output)
    const top = run('go', [
      'tool',
      'pprof',
      '-top',
      '-nodecount=1',
      '-symbolize=none',
      '-unit=ns',
      out,
    ])
    const { total, unit } = profileTotal(file)
    const shown = /of ([\d.]+)(\w*) total/.exec(top)!
    if (nanosecondsPer(unit) !== undefined) expect(Number(shown[1])).toBeCloseTo(total, -2)
    else expect(Number(shown[1])).toBeCloseTo(total, 0)
  })
})

describeWithTool(
  'callgrind_annotate',
  'callgrind_annotate reads the callgrind of the Python fixtures',
  () => {
    test.each(FIXTURES)('%s: PROGRAM TOTALS is the profile’s total', (file) => {
      const out = join(dir, `${file.replace(/\W/g, '_')}.callgrind`)
      writeFileSync(out, convert(fixture(file), { to: 'callgrind' }).output)
      // Costs are written in the profile's unit, or in nanoseconds where they are fractional.
      const written = readInput(new Uint8Array(readFileSync(out))).profiles[0].metrics[0].unit
      const text = run('callgrind_annotate', ['--threshold=100', out], {
        cwd: dir,
        env: { ...process.env, PERL_HASH_SEED: '0', PERL_PERTURB_KEYS: '0' },
      })
      const line = text.split('\n').find((l) => l.includes('PROGRAM TOTALS'))!
      const figure = Number(line.trim().split(/\s+/)[0].replace(/,/g, ''))
      // annotate shows the first event (the first metric); callgrind holds costs of functions only
      // (a sample without a stack has none), integers: times as nanoseconds.
      const total = profileTotal(file, 0, true).total / (nanosecondsPer(written) ?? 1)
      expect(Math.abs(figure - total)).toBeLessThanOrEqual(Math.max(1, total * 1e-6))
    })
  },
)

describe('py-spy-style files (written in py-spy’s output structure)', () => {
  test('raw folded: process and thread frames at the root, the idle frame kept', () => {
    const [profile] = readInput(fixture('folded/py-spy.folded')).profiles
    const graph = graphOf(profile)
    const name = (id: number) => profile.frames.get(id).name
    const roots = graph.nodes.filter((n) => !graph.edges.some((e) => e.callee === n.frame))
    expect(roots.map((n) => name(n.frame))).toEqual(['process 4317:"python work.py"'])
    const threads = graph.edges.filter((e) => name(e.caller).startsWith('process '))
    expect(threads.map((e) => name(e.callee)).sort()).toEqual([
      'thread (0x7F3C2C1E3640)',
      'thread (0x7F3C2D1E4740)',
    ])
    const idle = graph.nodes.find((n) => name(n.frame).startsWith('_wait_for_tstate_lock'))!
    expect(idle.self[0]).toBe(21)
  })

  test('speedscope: one profile per thread, named after it, one sample per weight', () => {
    const { profiles } = readInput(fixture('speedscope/py-spy.speedscope.json'))
    expect(profiles.map((p) => p.meta.name)).toEqual([
      'Process 4317 Thread 139896543430464 "MainThread"',
      'Process 4317 Thread 139896526645824 "cruncher"',
    ])
    expect(profiles.map((p) => p.samples!.stack.length)).toEqual([77, 47])
  })
})

describeWithTool(
  'callgrind_annotate',
  'line_profiler → callgrind in callgrind_annotate’s source view',
  () => {
    test('every line shows line_profiler’s own hits and time', () => {
      const out = join(dir, 'lprof.callgrind')
      writeFileSync(out, convert(fixture('line-profiler/work.lprof'), { to: 'callgrind' }).output)
      const text = run('callgrind_annotate', ['--auto=yes', '--show-percs=no', out], {
        cwd: fixturePath('line-profiler/programs'),
        env: { ...process.env, PERL_HASH_SEED: '0', PERL_PERTURB_KEYS: '0' },
      })
      const source = text.slice(text.indexOf('-- Auto-annotated source: work.py'))
      // Annotated lines: `time hits  <source>`, numbered from 1 after the 4 header lines.
      const rows = source.split('\n').slice(4)
      const annotated = new Map<number, [number, number]>()
      rows.forEach((row, i) => {
        const m = /^\s*([\d,]+)\s+([\d,]+)\s{2}/.exec(row)
        if (m)
          annotated.set(i + 1, [Number(m[1].replace(/,/g, '')), Number(m[2].replace(/,/g, ''))])
      })
      // line_profiler's own text view (python3 -m line_profiler, committed beside the fixture).
      const lp = readFileSync(fixturePath('line-profiler/work.lprof.txt'), 'utf8')
      let checked = 0
      for (const m of lp.matchAll(/^\s*(\d+)\s+(\d+)\s+([\d.]+)\s+[\d.]+\s+[\d.]+/gm)) {
        const [ns, hits] = annotated.get(Number(m[1]))!
        expect([Number(m[1]), hits]).toEqual([Number(m[1]), Number(m[2])])
        expect(Math.abs(ns / 1000 - Number(m[3]))).toBeLessThanOrEqual(0.05 + 1e-9)
        checked++
      }
      expect(checked).toBe(12)
    })
  },
)

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { convert, getFormat, listFormats, prepareFor, readInput } from '@profconv/core'
import { readFirefox, writeFirefoxProfiles } from '@profconv/firefox'
import { graphOf, mergeProfiles, nanosecondsPer, withGraph, type Profile } from '@profconv/model'
import {
  ProfilerCliSession,
  describeWithProfilerCli,
  fixture,
  fixturePath,
  type ProfilerCliFunction,
} from '@profconv/testkit'

// The Firefox Profiler's own processing (profiler-cli) reads what profconv writes, and what
// profconv reads of real Firefox files, with the same self and total per function.

/** Self and total per function name (functions of one name summed), rounded to 9 digits. */
type Table = Record<string, [number, number]>

function add(table: Table, name: string, self: number, total: number): void {
  const [s, t] = table[name] ?? [0, 0]
  table[name] = [s + self, t + total]
}
const rounded = (table: Table): Table =>
  Object.fromEntries(
    Object.entries(table).map(
      ([k, [s, t]]) => [k, [round(s), round(t)]] as [string, [number, number]],
    ),
  )
const round = (v: number) => Number(v.toPrecision(9))

/** What profconv's `-t top` shows for metric `m` of `profile` (its call graph), in `scale` units. */
function profconvTable(profile: Profile, m: number, scale = 1): Table {
  const graph = graphOf(withGraph(profile))
  const table: Table = {}
  for (const node of graph.nodes) {
    if (node.self[m] === 0 && node.total[m] === 0) continue
    add(table, profile.frames.get(node.frame).name, node.self[m] * scale, node.total[m] * scale)
  }
  return rounded(table)
}

function cliTable(functions: ProfilerCliFunction[]): Table {
  const table: Table = {}
  for (const f of functions) {
    if (f.selfSamples === 0 && f.totalSamples === 0) continue
    add(table, f.name, f.selfSamples, f.totalSamples)
  }
  return rounded(table)
}

/** One input of every format with a reader, as profconv converts it (merged, then prepared). */
const INPUTS: [string, string][] = [
  ['pstats', 'pstats/classes.prof'],
  // No pstats-json fixture: the same file as profconv's pstats-json writer writes it.
  ['pstats-json', 'pstats/classes.prof'],
  // Call graphs become estimated stacks: totals are exact for acyclic graphs (a cyclic one's
  // note says how much moved), so the check takes acyclic ones.
  ['callgrind', 'callgrind/threads-02.callgrind'],
  ['pprof', 'pprof/cpu.pb.gz'],
  ['pprof', 'pprof/heap.pb.gz'],
  ['speedscope', 'speedscope/workload-cpuprofile.speedscope.json'],
  ['folded', 'folded/perf.folded'],
  ['cpuprofile', 'cpuprofile/workload.cpuprofile'],
  ['perf-script', 'folded/perf-script.txt'],
  // gprof's call graph has a cycle (is_even ⇄ is_odd): -t top shows gprof's cycle totals, which
  // no set of stacks reproduces (the estimate's note says so); checked against the stacks
  // written (ESTIMATED below).
  ['gprof', 'gprof/recursion.gprof'],
  ['stackprof', 'stackprof/cpu.json'],
  ['stackprof', 'stackprof/object.json'],
  ['dtrace', 'dtrace/ustack.dtrace'],
  ['sleepy', 'sleepy/example.sleepy'],
  ['ghc-prof-json', 'ghc/binary-trees.prof.json'],
  ['hprof', 'hprof/samples.hprof.txt'],
  ['hprof', 'hprof/times.hprof.txt'],
  ['instruments', 'instruments/simple-time-profile-deep-copy-16.0.instruments.txt'],
  ['instruments', 'instruments/random-allocations-deep-copy-7.3.1.instruments.txt'],
  ['pmcstat', 'pmcstat/zfs.pmcstat.graph'],
  ['xctrace', 'instruments/time-profile.documented.xctrace.xml'],
  ['sysprof', 'sysprof/calc.documented.sysprof'],
  ['xperf', 'xperf/cpu.documented.xperf'],
  // A call graph with a cycle (eval ⇄ apply): checked against the stacks written (ESTIMATED).
  ['axe', 'axe/calc.documented.axe'],
  ['safari', 'safari/app.documented-recording.json'],
  ['papyrus', 'papyrus/quest.documented.papyrus.log'],
  ['line-profiler', 'line-profiler/work.lprof'],
  ['scalene', 'scalene/work.scalene.json'],
  ['austin', 'austin/wall.austin'],
  ['pyinstrument', 'pyinstrument/work.pyisession'],
  ['tachyon-collapsed', 'tachyon/work.tachyon.collapsed'],
  ['pstats', 'tachyon/work.tachyon.pstats'],
  ['gprof2dot-json', 'gprof2dot-json/two-costs.json'],
  ['heapprofile', 'heapprofile/workload-small.heapprofile'],
  ['v8-prof', 'v8-prof/workload.preprocess.json.gz'],
  ['chrome-trace', 'chrome-trace/node-trace-events.json'],
  ['chrome-trace', 'chrome-trace/chromium-performance.json.gz'],
  ['firefox', 'firefox/processed-2.json'],
]

/** Inputs whose call graph has a cycle: compared with the estimated stacks' own totals. */
const ESTIMATED = new Set(['gprof/recursion.gprof', 'axe/calc.documented.axe'])

/** Real Firefox files: the profiler's own fixtures (several versions) and a Python 3.15 one. */
const FIREFOX_FILES = [
  'firefox/gecko-1-libs-offset.json', // Gecko 3
  'firefox/gecko-2-libs-offset.json', // Gecko 13, with a subprocess
  'firefox/processed-1.json', // processed 0 (unannotated)
  'firefox/processed-2.json', // processed 7
  'firefox/processed-3-no-counters.json', // processed 24
  'firefox/python-3.15-v57.json', // processed 57, Python 3.15's shape
]

describeWithProfilerCli('Firefox Profiler files through profiler-cli', () => {
  // Made in beforeAll: a skipped block (no profiler-cli) runs its body but no hooks.
  let cli: ProfilerCliSession
  let dir: string
  beforeAll(() => {
    cli = new ProfilerCliSession()
    dir = mkdtempSync(join(tmpdir(), 'profconv-firefox-'))
  })
  afterAll(() => {
    cli.close()
    rmSync(dir, { recursive: true, force: true })
  })

  test("every input format → firefox: each thread shows profconv's -t top numbers", () => {
    // All inputs in one file (one profiler-cli load): their threads side by side.
    // Every format profconv reads ('collapsed' is another name of the folded reader).
    const readable = listFormats().filter((f) => f.read && f.name !== 'collapsed')
    expect(new Set(INPUTS.map(([from]) => from))).toEqual(new Set(readable.map((f) => f.name)))
    const profiles = INPUTS.map(([from, file]) => {
      const bytes =
        from === 'pstats-json'
          ? new TextEncoder().encode(convert(fixture(file), { to: from }).output as string)
          : fixture(file)
      const { format, profiles } = readInput(bytes)
      expect(format.name).toBe(from)
      return prepareFor(getFormat('firefox'), mergeProfiles(profiles))
    })
    const path = join(dir, 'all-formats.json')
    writeFileSync(path, writeFirefoxProfiles(profiles))
    cli.load(path)
    const threads = cli.threads()
    expect(threads).toHaveLength(profiles.reduce((n, p) => n + p.metrics.length, 0))
    let t = 0
    profiles.forEach((profile, i) => {
      profile.metrics.forEach((metric, m) => {
        const ns = nanosecondsPer(metric.unit)
        const scale = ns !== undefined ? ns / 1e6 : 1 // time is written in milliseconds
        const what = `${INPUTS[i][1]}, ${metric.name}`
        const shown = ESTIMATED.has(INPUTS[i][1]) ? { ...profile, graph: undefined } : profile
        expect([what, cliTable(cli.functions(threads[t++]))]).toEqual([
          what,
          profconvTable(shown, m, scale),
        ])
      })
    })
  })

  test.each(FIREFOX_FILES)(
    '%s reads with the numbers profiler-cli prints, thread by thread',
    (file) => {
      const profiles = readFirefox(fixture(file))
      cli.load(fixturePath(file))
      const threads = cli.threads()
      expect(threads).toHaveLength(profiles.length)
      profiles.forEach((profile, t) => {
        expect(cliTable(cli.functions(threads[t]))).toEqual(profconvTable(profile, 0))
      })
    },
  )
})

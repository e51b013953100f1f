// `pnpm bench`: profconv against the peers present on this machine, on the same generated inputs.
//
//   node scripts/bench/run.mjs [--huge] [--only <substring>] [--runs <n>] [--docs]
//
// --huge      adds a callgrind file larger than 1 GiB (minutes, off by default)
// --only      runs the rows whose input or job contains the substring
// --runs      profconv runs per row (median; default 3); slow peers run once
// --docs      also writes docs/bench-latest.json
// Inputs go to $BENCH_DATA (default /tmp/profconv-bench), cached across runs; results to
// bench-results/latest.json. gprof2dot runs when $GPROF2DOT names its gprof2dot.py (or it is on
// PATH); it is never part of the repository.
import { spawn, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  openSync,
  closeSync,
  copyFileSync,
} from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { clearInterval, setInterval } from 'node:timers'
import { fileURLToPath } from 'node:url'
import * as gen from './generate.mjs'
import * as more from './generate-formats.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const args = process.argv.slice(2)
const flag = (name) => args.includes(name)
const value = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : fallback
}
const HUGE = flag('--huge')
const ONLY = value('--only', '')
const RUNS = Number(value('--runs', '3'))
const DATA = process.env.BENCH_DATA ?? '/tmp/profconv-bench'
mkdirSync(DATA, { recursive: true })
const OUT = join(DATA, 'out')
mkdirSync(OUT, { recursive: true })

const PROFCONV = ['node', join(ROOT, 'packages/cli/bin/profconv.js')]
const PARSE = ['node', join(ROOT, 'scripts/bench/parse.mjs')]
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined

function which(command) {
  return (
    spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).stdout.trim() ||
    undefined
  )
}
const gprof2dot = process.env.GPROF2DOT ?? which('gprof2dot')
const gprof2dotCmd = gprof2dot?.endsWith('.py')
  ? ['python3', gprof2dot]
  : gprof2dot
    ? [gprof2dot]
    : undefined
const peers = {
  go: which('go'),
  callgrindAnnotate: which('callgrind_annotate'),
  pyprof2calltree: which('pyprof2calltree'),
  python: which('python3'),
}

/** One run of `command`: wall milliseconds (hrtime) and peak RSS in bytes. */
async function measure(command, stdoutPath, cwd) {
  const out = openSync(stdoutPath, 'w')
  const start = process.hrtime.bigint()
  let rss = 0
  let status
  if (TIME) {
    const timeFile = join(OUT, 'time.txt')
    const result = spawnSync(TIME, ['-f', '%M', '-o', timeFile, ...command], {
      stdio: ['ignore', out, 'pipe'],
      maxBuffer: 1 << 26,
      cwd,
    })
    status = result.status
    rss = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) * 1024
    if (status !== 0) process.stderr.write(result.stderr)
  } else {
    // No /usr/bin/time: poll the process's high-water mark.
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', out, 'inherit'], cwd })
    const poll = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))
        if (hwm) rss = Math.max(rss, Number(hwm[1]) * 1024)
      } catch {
        // gone already
      }
    }, 10)
    status = await new Promise((resolve) => child.on('exit', resolve))
    clearInterval(poll)
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  closeSync(out)
  if (status !== 0) throw new Error(`failed (${status}): ${command.join(' ')}`)
  return { ms, rss, stdout: stdoutPath }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Runs of each writer in `writersMs`: more than `RUNS`, as a writer's run is about a second. */
const WRITER_RUNS = Math.max(5, RUNS)

/**
 * Each writer's own time (median of `WRITER_RUNS`): `parse.mjs --write` reads `file`, then
 * writes it as the target in-process, the output counted and dropped, so the file system's time
 * to take the output (seconds for a gigabyte on a virtual machine's page cache) is left out, as
 * reader times leave out start-up. The writers take turns run by run (A B C A B C …), so a slow
 * minute of the machine falls on all of them alike: their ratios are what the targets judge.
 */
async function writersMs(format, file, targets) {
  const times = new Map(targets.map((target) => [target, []]))
  for (let i = 0; i < WRITER_RUNS; i++) {
    for (const target of targets) {
      const r = await series(
        [...PARSE, format, file, '--write', target],
        1,
        undefined,
        undefined,
        true,
      )
      times.get(target).push(r.printed('writeMs'))
    }
  }
  return new Map([...times].map(([target, ms]) => [target, median(ms)]))
}

/**
 * Median wall and peak RSS over `runs`; a run slower than `slowMs` ends the series early. With
 * `printed` (commands that print one JSON line: `parse.mjs`), `printed(key)` is the median of
 * that key over the runs.
 */
async function series(command, runs, slowMs = 20_000, cwd = undefined, printed = false) {
  const walls = []
  const rsss = []
  const outs = []
  let last
  for (let i = 0; i < runs; i++) {
    last = await measure(command, join(OUT, 'stdout'), cwd)
    walls.push(last.ms)
    rsss.push(last.rss)
    if (printed) outs.push(readFileSync(last.stdout, 'utf8'))
    if (last.ms > slowMs) break
  }
  const medianOf = (key) => median(outs.map((text) => JSON.parse(text)[key]))
  return { ms: median(walls), rss: Math.max(...rsss), runs: walls.length, last, printed: medianOf }
}

async function inputs() {
  const list = [
    {
      name: 'pstats 20k fn / 200k edges',
      format: 'pstats',
      path: () => gen.pstats(DATA, 'bench-20k.prof', 20_000, 200_000, 20),
    },
    {
      name: 'pstats 100k fn / 1M edges',
      format: 'pstats',
      path: () => gen.pstats(DATA, 'bench-100k.prof', 100_000, 1_000_000, 100),
    },
    {
      name: 'callgrind 10 MB',
      format: 'callgrind',
      path: () => gen.callgrind(DATA, 'bench-10m.callgrind', 10e6, 20_000, 10),
    },
    {
      name: 'callgrind 100 MB (50k functions in rounds, lines drawn anew: worst case for lines)',
      format: 'callgrind',
      path: () => gen.callgrind(DATA, 'bench-100m.callgrind', 100e6, 50_000, 100),
    },
    {
      // As valgrind writes one dump: each function once, positions all distinct (~30k per MB,
      // the real files in test-data have 27k–91k). The rows above repeat 50k functions in
      // rounds with lines drawn anew: positions met again at random, the worst case for lines.
      name: 'callgrind one dump 100 MB (valgrind-like)',
      format: 'callgrind',
      dump: true,
      path: () => gen.callgrindDump(DATA, 'bench-dump-100m.callgrind', 100e6, 11),
    },
    {
      name: 'pprof 1M samples / 50k locations',
      format: 'pprof',
      path: () => gen.pprof(DATA, 'bench-1m.pb.gz', 1_000_000, 50_000, 1),
    },
    {
      name: 'speedscope 1M samples',
      format: 'speedscope',
      path: () => gen.speedscope(DATA, 'bench-1m.speedscope.json', 1_000_000, 20_000, 2),
    },
    {
      name: 'gprof 100 MB',
      format: 'gprof',
      path: () => gen.gprof(DATA, 'bench-100m.gprof', 100e6, 5),
    },
    {
      name: 'dtrace 100 MB',
      format: 'dtrace',
      path: () => gen.dtrace(DATA, 'bench-100m.dtrace', 100e6, 20_000, 6),
    },
    {
      name: 'chrome-trace ~100 MB (100k samples as X events)',
      format: 'chrome-trace',
      path: () => gen.chromeTrace(DATA, 'bench-100k.trace.json', 100_000, 20_000, 2),
    },
    {
      name: 'chrome-trace 100 MB of B/E/X duration events',
      format: 'chrome-trace',
      path: () =>
        gen.chromeTraceDurations(DATA, 'bench-100m-durations.trace.json', 100e6, 20_000, 7),
    },
    {
      name: 'chrome-trace 100 MB Performance recording (Profile/ProfileChunk)',
      format: 'chrome-trace',
      path: () => gen.chromeTraceProfile(DATA, 'bench-100m-profile.trace.json', 100e6, 20_000, 8),
    },
    {
      name: 'folded 100 MB',
      format: 'folded',
      path: () => gen.folded(DATA, 'bench-100m.folded', 100e6, 20_000, 3),
    },
  ]
  // Issue 17: every further reader on ~100 MB of its own kind (JSON ones read as a stream).
  for (const [format, file, make] of [
    ['xctrace', 'bench-100m.xctrace.xml', (f) => more.xctrace(DATA, f, 100e6, 20_000, 11)],
    ['sysprof', 'bench-100m.sysprof', (f) => more.sysprof(DATA, f, 100e6, 20_000, 12)],
    ['xperf', 'bench-100m.xperf', (f) => more.xperf(DATA, f, 100e6, 20_000, 13)],
    ['axe', 'bench-100m.axe', (f) => more.axe(DATA, f, 100e6, 14)],
    ['papyrus', 'bench-100m.papyrus.log', (f) => more.papyrus(DATA, f, 100e6, 20_000, 15)],
    ['safari', 'bench-100m-recording.json', (f) => more.safari(DATA, f, 100e6, 20_000, 16)],
    ['hprof', 'bench-100m.hprof.txt', (f) => more.hprof(DATA, f, 100e6, 20_000, 17)],
    [
      'instruments',
      'bench-100m.instruments.txt',
      (f) => more.instruments(DATA, f, 100e6, 20_000, 18),
    ],
    ['pmcstat', 'bench-100m.pmcstat', (f) => more.pmcstat(DATA, f, 100e6, 20_000, 19)],
    ['stackprof', 'bench-100m.stackprof.json', (f) => more.stackprof(DATA, f, 100e6, 20_000, 20)],
    ['ghc-prof-json', 'bench-100m.prof.json', (f) => more.ghc(DATA, f, 100e6, 20_000, 21)],
    ['sleepy', 'bench-100m.sleepy', (f) => more.sleepy(DATA, f, 100e6, 20_000, 22)],
    [
      'gprof2dot-json',
      'bench-100m.gprof2dot.json',
      (f) => more.gprof2dotJson(DATA, f, 100e6, 20_000, 23),
    ],
  ]) {
    list.push({ name: `${format} 100 MB`, format, path: () => make(file) })
  }
  // Issue 19: a fleet's profiles merged (folders of files; the peers get the names, relative).
  const cpu = join(ROOT, 'test-data/pprof/cpu.pb.gz')
  const cprofile = join(ROOT, 'test-data/pstats/asyncio_app.prof')
  list.push(
    {
      name: 'merge 3,000 small pprof',
      format: 'merge-pprof',
      path: () => gen.copies(DATA, 'merge-pprof-3k', cpu, 3000),
    },
    {
      name: 'merge 30,000 small pprof',
      format: 'merge-pprof',
      path: () => gen.copies(DATA, 'merge-pprof-30k', cpu, 30_000),
    },
    {
      name: 'merge 100 pprof of 100k samples',
      format: 'merge-pprof',
      path: () => gen.pprofSet(DATA, 'merge-pprof-100x100k', 100, 100_000, 5_000),
    },
    {
      name: 'merge 1,000 cProfile',
      format: 'merge-pstats',
      path: () => gen.copies(DATA, 'merge-pstats-1k', cprofile, 1000),
    },
  )
  if (HUGE) {
    list.push({
      name: 'callgrind 1.1 GiB',
      format: 'callgrind',
      huge: true,
      path: () => gen.callgrind(DATA, 'bench-1g.callgrind', 1.1 * 2 ** 30, 50_000, 1000),
    })
  }
  return list
}

/** The rows: a profconv command and, where one exists here, a peer doing the same job. */
function jobs(input, file) {
  const profconv = (...rest) => [...PROFCONV, file, ...rest]
  const py = (code) => peers.python && ['python3', '-c', code, file]
  switch (input.format) {
    case 'pstats':
      return [
        { job: 'parse', parse: true },
        {
          job: '→ callgrind',
          profconv: profconv('-t', 'callgrind'),
          peer: 'pyprof2calltree',
          peerCmd: peers.pyprof2calltree && [
            'pyprof2calltree',
            '-i',
            file,
            '-o',
            join(OUT, 'peer.out'),
          ],
        },
        {
          job: '→ dot',
          profconv: profconv('-t', 'dot'),
          peer: 'gprof2dot',
          peerCmd: gprof2dotCmd && [...gprof2dotCmd, '-f', 'pstats', file],
        },
        ...pictures(input, profconv),
        {
          job: '→ top table',
          profconv: profconv('-t', 'top'),
          peer: "pstats sort_stats('cumulative').print_stats()",
          peerCmd: py(
            "import pstats,sys,os; pstats.Stats(sys.argv[1], stream=open(os.devnull,'w')).sort_stats('cumulative').print_stats()",
          ),
        },
      ]
    case 'callgrind':
      if (input.dump)
        return [
          { job: 'parse', parse: true },
          { job: 'parse, lines kept', parse: 'positions' },
          { job: '→ callgrind, lines kept', profconv: profconv('-t', 'callgrind') },
        ]
      return [
        { job: 'parse', parse: true },
        ...(input.huge
          ? []
          : [
              { job: 'parse, lines kept', parse: 'positions' },
              { job: '→ callgrind, lines kept', profconv: profconv('-t', 'callgrind') },
              // pprof from a call graph: estimated stacks carrying every cost line.
              { job: '→ pprof, lines kept', profconv: profconv('-t', 'pprof') },
            ]),
        {
          job: '→ dot',
          profconv: profconv('-t', 'dot'),
          // callgrind_annotate needs minutes per 100 MB: not run on the 1 GiB file.
          ...(input.huge
            ? {}
            : {
                peer: 'callgrind_annotate',
                peerCmd: peers.callgrindAnnotate && ['callgrind_annotate', file],
              }),
        },
        ...(input.huge
          ? []
          : [
              {
                job: '→ dot',
                profconv: profconv('-t', 'dot'),
                peer: 'gprof2dot',
                peerCmd: gprof2dotCmd && [...gprof2dotCmd, '-f', 'callgrind', file],
              },
              // Issue 18: the generated graph is one giant call cycle; both draw its heaviest.
              {
                job: '→ dot --node-count 80',
                profconv: profconv('-t', 'dot', '--node-count', '80'),
              },
              { job: '→ svg', profconv: profconv('-t', 'svg') },
            ]),
      ]
    case 'xctrace':
    case 'sysprof':
    case 'xperf':
    case 'axe':
    case 'papyrus':
    case 'safari':
    case 'hprof':
    case 'instruments':
    case 'pmcstat':
    case 'stackprof':
    case 'ghc-prof-json':
    case 'gprof2dot-json':
    case 'sleepy': {
      const peerFormat = ['sysprof', 'xperf', 'axe', 'hprof', 'sleepy'].includes(input.format)
      return [
        { job: 'parse', parse: true },
        {
          job: '→ dot',
          profconv: profconv('-t', 'dot'),
          ...(peerFormat && {
            peer: 'gprof2dot',
            peerCmd: gprof2dotCmd && [...gprof2dotCmd, '-f', input.format, file],
          }),
        },
      ]
    }
    case 'gprof':
    case 'dtrace':
      return [
        { job: 'parse', parse: true },
        {
          job: '→ dot',
          profconv: profconv('-t', 'dot'),
          peer: 'gprof2dot',
          peerCmd: gprof2dotCmd && [
            ...gprof2dotCmd,
            '-f',
            input.format === 'gprof' ? 'prof' : 'dtrace',
            file,
          ],
        },
      ]
    case 'pprof': {
      const go = (flag) => peers.go && ['go', 'tool', 'pprof', '-symbolize=none', flag, file]
      return [
        { job: 'parse', parse: true },
        {
          job: '→ dot',
          profconv: profconv('-t', 'dot'),
          peer: 'go tool pprof -dot',
          peerCmd: go('-dot'),
        },
        {
          job: '→ callgrind',
          profconv: profconv('-t', 'callgrind'),
          peer: 'go tool pprof -callgrind',
          peerCmd: go('-callgrind'),
        },
        {
          job: '→ top',
          profconv: profconv('-t', 'top'),
          peer: 'go tool pprof -top',
          peerCmd: go('-top'),
        },
        // Issue 13: the line view (one row per function and source line).
        {
          job: '→ top --granularity lines',
          profconv: profconv('-t', 'top', '--granularity', 'lines'),
          peer: 'go tool pprof -top -lines',
          peerCmd: peers.go && ['go', 'tool', 'pprof', '-symbolize=none', '-top', '-lines', file],
        },
        // Issue 15: the Firefox Profiler writer within 2× of the speedscope writer's time.
        { job: '→ speedscope', profconv: profconv('-t', 'speedscope') },
        { job: '→ firefox', profconv: profconv('-t', 'firefox') },
        ...pictures(input, profconv),
      ]
    }
    case 'merge-pprof':
    case 'merge-pstats': {
      const to = input.format === 'merge-pprof' ? 'pprof' : 'pstats'
      const out = join(OUT, `merged.${to}`)
      const names = file ? readdirSync(file).sort() : []
      return [
        {
          job: `merge → ${to}`,
          profconv: [...PROFCONV, 'merge', file, '-t', to, '-o', out],
          cwd: file,
          ...(to === 'pprof'
            ? {
                peer: 'go tool pprof -proto',
                peerCmd: peers.go && ['go', 'tool', 'pprof', '-proto', '-output', out, ...names],
              }
            : {
                peer: 'pstats.Stats(*files).dump_stats()',
                peerCmd: peers.python && [
                  'python3',
                  '-c',
                  'import pstats,sys; pstats.Stats(*sys.argv[2:]).dump_stats(sys.argv[1])',
                  out,
                  ...names,
                ],
              }),
        },
      ]
    }
    case 'speedscope':
      return [
        { job: 'parse', parse: true },
        { job: '→ dot', profconv: profconv('-t', 'dot') },
        { job: '→ pprof', profconv: profconv('-t', 'pprof') },
        // The browser viewers' writers beside the speedscope writer, on the same 1M samples; `writer`:
        // each writer's own time is measured too (in-process, output counted and dropped).
        { job: '→ speedscope', profconv: profconv('-t', 'speedscope'), writer: 'speedscope' },
        { job: '→ chrome-trace', profconv: profconv('-t', 'chrome-trace'), writer: 'chrome-trace' },
        { job: '→ cpuprofile', profconv: profconv('-t', 'cpuprofile'), writer: 'cpuprofile' },
        { job: '→ firefox', profconv: profconv('-t', 'firefox'), writer: 'firefox' },
      ]
    case 'chrome-trace':
      return [
        { job: 'parse', parse: true },
        { job: '→ dot', profconv: profconv('-t', 'dot') },
      ]
    case 'folded':
      return [
        { job: 'parse', parse: true },
        { job: '→ dot', profconv: profconv('-t', 'dot') },
        { job: '→ speedscope', profconv: profconv('-t', 'speedscope') },
      ]
  }
  return []
}

/**
 * The pictures of issue 16 on the 1M-sample pprof and 100k-function pstats inputs: their output
 * is opened in headless Chromium (the "peer" columns: load to first draw).
 */
function pictures(input, profconv) {
  if (!/^pprof 1M|^pstats 100k/.test(input.name)) return []
  return [
    { job: '→ flamegraph', profconv: profconv('-t', 'flamegraph', '-q'), draw: '.svg' },
    { job: '→ html', profconv: profconv('-t', 'html', '-q'), draw: '.html' },
  ]
}

/** Opens `file` (renamed to end in `ext`) in Chromium: milliseconds to the first draw. */
function chromiumDraw(file, ext) {
  if (!existsSync('/usr/bin/chromium')) return undefined
  const copy = join(OUT, `draw${ext}`)
  copyFileSync(file, copy)
  const result = spawnSync('node', [join(ROOT, 'scripts/bench/chromium-draw.mjs'), copy], {
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(result.stderr)
  return JSON.parse(result.stdout.trim().split('\n').pop())
}

const MB = 1e6
const fmtMs = (ms) =>
  ms === undefined
    ? ''
    : ms >= 10_000
      ? `${(ms / 1000).toFixed(1)} s`
      : ms >= 1000
        ? `${(ms / 1000).toFixed(2)} s`
        : `${Math.round(ms)} ms`
const fmtRss = (b) => (b === undefined ? '' : `${Math.round(b / 2 ** 20)} MiB`)
const fmtSize = (b) =>
  b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / MB).toFixed(1)} MB`

async function main() {
  const started = Date.now()
  // Other work on the machine stretches wall times: the load averages go into the results.
  const loadBefore = loadavg()
  const rows = []
  // Start-up: --version and a small conversion.
  const small = join(ROOT, 'test-data/pstats')
  const tiny = existsSync(small)
    ? spawnSync('sh', ['-c', `ls ${small}/*.prof | head -1`], { encoding: 'utf8' }).stdout.trim()
    : ''
  // Node alone beside --version: the part of start-up that is not profconv's.
  const startupJobs = [
    {
      input: 'startup',
      job: '--version',
      cmd: [...PROFCONV, '--version'],
      peer: 'Node alone (node -e 0)',
      peerCmd: ['node', '-e', '0'],
    },
  ]
  if (tiny)
    startupJobs.push({
      input: `startup (${tiny.split('/').pop()})`,
      job: '→ dot',
      cmd: [...PROFCONV, tiny, '-t', 'dot'],
      file: tiny,
    })
  for (const s of startupJobs) {
    if (ONLY && !`${s.input} ${s.job}`.includes(ONLY)) continue
    const r = await series(s.cmd, 11)
    const row = {
      input: s.input,
      size: s.file ? statSync(s.file).size : 0,
      job: s.job,
      profconv: { ms: r.ms, rss: r.rss, runs: r.runs },
    }
    if (s.peerCmd) {
      const p = await series(s.peerCmd, 11)
      row.peer = { name: s.peer, ms: p.ms, rss: p.rss, runs: p.runs }
      row.ratio = p.ms / r.ms
    }
    rows.push(row)
    print(rows.at(-1))
  }
  for (const input of await inputs()) {
    const list = jobs(input, '')
    if (ONLY && !list.some((j) => `${input.name} ${j.job}`.includes(ONLY))) continue
    const file = await input.path()
    const size = statSync(file).isDirectory()
      ? readdirSync(file).reduce((n, f) => n + statSync(join(file, f)).size, 0)
      : statSync(file).size
    const selected = jobs(input, file).filter(
      (j) => !ONLY || `${input.name} ${j.job}`.includes(ONLY),
    )
    // The writers alone first, in turns (a gigabyte written by a whole command just before
    // would still be being written back).
    const writers = selected.filter((j) => j.writer).map((j) => j.writer)
    const writerTimes =
      writers.length > 0 ? await writersMs(input.format, file, writers) : new Map()
    for (const j of selected) {
      const row = { input: input.name, size, job: j.job }
      if (j.parse) {
        // In-process: the reader alone, no start-up; wall and RSS of the whole process.
        const keep = j.parse === 'positions' ? ['positions'] : []
        const r = await series(
          [...PARSE, input.format, file, ...keep],
          input.huge ? 1 : RUNS,
          undefined,
          undefined,
          true,
        )
        row.profconv = {
          ms: r.ms,
          rss: r.rss,
          runs: r.runs,
          readerMs: r.printed('ms'),
        }
        row.mbPerS = size / MB / (row.profconv.readerMs / 1000)
      } else {
        const writer = j.writer && writerTimes.get(j.writer)
        const r = await series(j.profconv, input.huge ? 1 : RUNS, 20_000, j.cwd)
        row.profconv = { ms: r.ms, rss: r.rss, runs: r.runs }
        if (writer) row.profconv.writerMs = writer
        row.mbPerS = size / MB / (r.ms / 1000)
        if (j.draw) {
          const bytes = statSync(r.last.stdout).size
          const size = bytes < MB ? `${Math.round(bytes / 1e3)} kB` : fmtSize(bytes)
          const name = `Chromium opens the ${size} output (load to first draw)`
          try {
            const draw = chromiumDraw(r.last.stdout, j.draw)
            // The report reads its profile after the first frame: when that is done too.
            const ready =
              draw?.readyMs === undefined ? '' : `; profile read at ${fmtMs(draw.readyMs)}`
            row.peer = draw
              ? { name: name.replace(')', `${ready})`), ms: draw.drawMs, draw }
              : { name: 'Chromium', missing: true }
          } catch (error) {
            row.peer = { name, error: error.message }
          }
        } else if (j.peerCmd) {
          row.peer = { name: j.peer }
          try {
            const p = await series(j.peerCmd, RUNS, 5000, j.cwd)
            Object.assign(row.peer, { ms: p.ms, rss: p.rss, runs: p.runs })
            row.ratio = p.ms / r.ms
          } catch (error) {
            row.peer.error = error.message
          }
        } else if (j.peer) row.peer = { name: j.peer, missing: true }
      }
      rows.push(row)
      print(row)
    }
  }
  const result = {
    date: new Date().toISOString(),
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).stdout.trim(),
    node: process.version,
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memory: totalmem() },
    load: { before: loadBefore, after: loadavg() },
    seconds: Math.round((Date.now() - started) / 1000),
    rows,
  }
  result.targets = targets(rows)
  console.log(
    `\n${table(rows)}\n\n${targetTable(result.targets)}\n\ntotal ${result.seconds} s; load average ${loadBefore[0].toFixed(1)} before, ${result.load.after[0].toFixed(1)} after (${cpus().length} CPUs)`,
  )
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true })
  writeFileSync(join(ROOT, 'bench-results/latest.json'), `${JSON.stringify(result, null, 2)}\n`)
  if (flag('--docs'))
    writeFileSync(join(ROOT, 'docs/bench-latest.json'), `${JSON.stringify(result, null, 2)}\n`)
  rmSync(OUT, { recursive: true, force: true })
}

/**
 * Issue 8's targets, judged from this run's rows: each with the figures it was judged on, or
 * "not measured" when its rows were not run (`--only`, no peer, no `--huge`).
 */
export function targets(rows) {
  const find = (input, job, peer) =>
    rows.find(
      (r) =>
        r.input.startsWith(input) && r.job === job && (peer === undefined || r.peer?.name === peer),
    )
  const ratioAtLeast = (list, min) => {
    const measured = list.filter((r) => r?.ratio)
    if (measured.length === 0) return { met: undefined, figures: 'not measured' }
    const figures = measured.map((r) => `${r.ratio.toFixed(1)}× (${r.input}, ${r.job})`)
    return { met: measured.every((r) => r.ratio >= min), figures: figures.join('; ') }
  }
  const under = (row, ms, bytes) => {
    if (!row) return { met: undefined, figures: 'not measured' }
    const okMs = ms === undefined || row.profconv.ms < ms
    const okRss = bytes === undefined || row.profconv.rss < bytes
    return {
      met: okMs && okRss,
      figures: `${fmtMs(row.profconv.ms)}, ${fmtRss(row.profconv.rss)}`,
    }
  }
  const parse = find('callgrind 100 MB', 'parse')
  const parseLines = [
    find('callgrind one dump 100 MB', 'parse, lines kept'),
    find('callgrind 100 MB', 'parse, lines kept'),
  ].filter(Boolean)
  const pprofJobs = ['→ dot', '→ callgrind', '→ top'].map((j) => find('pprof', j))
  const pprofMemory = pprofJobs.filter(Boolean)
  const huge = find('callgrind 1.1 GiB', '→ dot')
  const traceReads = ['chrome-trace 100 MB of', 'chrome-trace 100 MB Perf']
    .map((i) => find(i, 'parse'))
    .filter(Boolean)
  const firefox = find('pprof', '→ firefox')
  const speedscope = find('pprof', '→ speedscope')
  const startup = [find('startup', '--version'), find('startup (', '→ dot')]
  const merges = ['merge 3,000', 'merge 30,000', 'merge 100 pprof'].map((i) =>
    find(i, 'merge → pprof'),
  )
  const [small, many] = merges
  return [
    {
      target: 'callgrind parse ≥ 150 MB/s',
      ...(parse
        ? { met: parse.mbPerS >= 150, figures: `${parse.mbPerS.toFixed(0)} MB/s on 100 MB` }
        : { met: undefined, figures: 'not measured' }),
    },
    {
      target: 'callgrind parse with lines kept ≥ 150 MB/s',
      ...(parseLines.length
        ? {
            met: parseLines.every((r) => r.mbPerS >= 150),
            figures: parseLines
              .map((r) => `${r.mbPerS.toFixed(0)} MB/s, ${fmtRss(r.profconv.rss)} (${r.input})`)
              .join('; '),
          }
        : { met: undefined, figures: 'not measured' }),
    },
    {
      target: 'callgrind → dot ≥ 30× faster than callgrind_annotate',
      ...ratioAtLeast(
        ['callgrind 10 MB', 'callgrind 100 MB'].map((i) => find(i, '→ dot', 'callgrind_annotate')),
        30,
      ),
    },
    {
      target: 'pstats → callgrind ≥ 5× faster than pyprof2calltree',
      ...ratioAtLeast(
        ['pstats 20k', 'pstats 100k'].map((i) => find(i, '→ callgrind', 'pyprof2calltree')),
        5,
      ),
    },
    {
      target: '1M-edge pstats → dot < 2 s and < 500 MB',
      ...under(find('pstats 100k', '→ dot'), 2000, 500 * MB),
    },
    {
      target: 'pprof → dot / callgrind / top ≥ 5× faster than go tool pprof',
      ...ratioAtLeast(pprofJobs, 5),
    },
    {
      target: 'pprof 1M samples in < 1 GB',
      ...(pprofMemory.length
        ? {
            met: pprofMemory.every((r) => r.profconv.rss < 1e9),
            figures: pprofMemory.map((r) => `${fmtRss(r.profconv.rss)} (${r.job})`).join('; '),
          }
        : { met: undefined, figures: 'not measured' }),
    },
    {
      target: 'pprof 1M samples → firefox within 2× of → speedscope',
      ...(firefox && speedscope
        ? {
            met: firefox.profconv.ms <= 2 * speedscope.profconv.ms,
            figures: `${fmtMs(firefox.profconv.ms)} vs ${fmtMs(speedscope.profconv.ms)}`,
          }
        : { met: undefined, figures: 'not measured' }),
    },
    // Issue 15: "writers of 1M samples finish within 2× the time of the speedscope writer": the
    // writers' own times; the whole commands' (reading and the file system's included) beside.
    ...['→ chrome-trace', '→ cpuprofile', '→ firefox'].map((job) => {
      const writer = find('speedscope 1M', job)?.profconv
      const base = find('speedscope 1M', '→ speedscope')?.profconv
      const ratio = (a, b) => `${(a / b).toFixed(1)}×`
      return {
        target: `speedscope 1M samples: writer ${job} within 2× of the speedscope writer`,
        ...(writer?.writerMs && base?.writerMs
          ? {
              met: writer.writerMs <= 2 * base.writerMs,
              figures:
                `writer ${fmtMs(writer.writerMs)} vs ${fmtMs(base.writerMs)} (${ratio(writer.writerMs, base.writerMs)}); ` +
                `whole command into a file ${fmtMs(writer.ms)} vs ${fmtMs(base.ms)} (${ratio(writer.ms, base.ms)})`,
            }
          : { met: undefined, figures: 'not measured' }),
      }
    }),
    {
      target: 'chrome-trace reader ≥ 50 MB/s on 100 MB traces',
      ...(traceReads.length
        ? {
            met: traceReads.every((r) => r.mbPerS >= 50),
            figures: traceReads.map((r) => `${r.mbPerS.toFixed(0)} MB/s (${r.input})`).join('; '),
          }
        : { met: undefined, figures: 'not measured' }),
    },
    {
      target: 'callgrind > 1 GiB converts in < 1 GiB peak RSS',
      ...under(huge, undefined, 2 ** 30),
    },
    {
      target: 'merge (issue 19): ≥ 3× faster than go tool pprof -proto on every pprof row',
      ...ratioAtLeast(merges, 3),
    },
    {
      target: 'merge memory flat: 30,000 files within 1.5× the peak RSS of 3,000',
      ...(small && many
        ? {
            met: many.profconv.rss <= 1.5 * small.profconv.rss,
            figures: `${fmtRss(many.profconv.rss)} against ${fmtRss(small.profconv.rss)} (${(many.profconv.rss / small.profconv.rss).toFixed(2)}×)`,
          }
        : { met: undefined, figures: 'not measured' }),
    },
    {
      target: '--version and a small conversion start in < 150 ms',
      ...(startup.every(Boolean)
        ? {
            met: startup.every((r) => r.profconv.ms < 150),
            figures: startup.map((r) => `${fmtMs(r.profconv.ms)} (${r.job})`).join('; '),
          }
        : { met: undefined, figures: 'not measured' }),
    },
  ]
}

function targetTable(list) {
  const status = (t) => (t.met === undefined ? 'not measured' : t.met ? 'met' : '**not met**')
  return [
    '| target | status | this run |',
    '| --- | --- | --- |',
    ...list.map((t) => `| ${t.target} | ${status(t)} | ${t.figures} |`),
  ].join('\n')
}

function cells(row) {
  return [
    row.input,
    row.size ? fmtSize(row.size) : '',
    row.job,
    fmtMs(row.profconv.ms) +
      (row.profconv.readerMs !== undefined ? ` (reader ${fmtMs(row.profconv.readerMs)})` : '') +
      (row.profconv.writerMs !== undefined ? ` (writer ${fmtMs(row.profconv.writerMs)})` : ''),
    fmtRss(row.profconv.rss),
    row.peer
      ? row.peer.name + (row.peer.missing ? ' (not installed)' : row.peer.error ? ' (failed)' : '')
      : '',
    fmtMs(row.peer?.ms),
    fmtRss(row.peer?.rss),
    row.ratio ? `${row.ratio.toFixed(1)}×` : '',
    row.mbPerS ? row.mbPerS.toFixed(1) : '',
  ]
}
const HEAD = [
  'input',
  'size',
  'job',
  'profconv wall',
  'profconv RSS',
  'peer',
  'peer wall',
  'peer RSS',
  'ratio',
  'profconv MB/s',
]

export function table(rows) {
  const all = [HEAD, ...rows.map(cells)]
  return all
    .map((r) => `| ${r.join(' | ')} |`)
    .join('\n')
    .replace(/\n/, `\n|${HEAD.map(() => ' --- ').join('|')}|\n`)
}

function print(row) {
  process.stderr.write(`bench: ${cells(row).filter(Boolean).join('  ')}\n`)
}

await main()

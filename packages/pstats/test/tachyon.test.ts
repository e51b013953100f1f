import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { graphOf, type Profile } from '@profconv/model'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'
import { readPstats, sniffPstats, writePstats } from '../src/index.js'

// Python 3.15's sampling profiler (`python -m profiling.sampling --pstats`): a fixture made by
// CPython's own PstatsCollector on real sampled stacks (scripts/fixtures-tachyon.py), and
// Python's reading of it (work.tachyon.oracle.json).

interface Oracle {
  interval_seconds: number
  total_samples: number
  functions: {
    file: string
    name: string
    self_samples: number
    cumulative_samples: number
    self_seconds: number
    /** The samples whose stack holds the function, counted from the stacks themselves. */
    stack_samples: number
  }[]
  lines: { file: string; name: string; line: number; samples: number }[]
}

const FILE = 'tachyon/work.tachyon.pstats'
const oracle = JSON.parse(
  readFileSync(fixturePath('tachyon/work.tachyon.oracle.json'), 'utf8'),
) as Oracle

/** Per `file:name`: [self, total] of metric `m`. */
function byFunction(profile: Profile, m: number): Map<string, [number, number]> {
  const graph = graphOf(profile)
  return new Map(
    graph.nodes.map((n) => {
      const f = profile.frames.get(n.frame)
      return [`${f.file}:${f.name}`, [n.self[m], n.total[m]]]
    }),
  )
}

describe('Tachyon --pstats', () => {
  const profile = readPstats(fixture(FILE))

  test('is sniffed as pstats and read as a sampled profile (samples and time)', () => {
    expect(sniffPstats(fixture(FILE))).toBe(true)
    expect(profile.metrics).toEqual([
      { name: 'samples', unit: 'count' },
      { name: 'time', unit: 'seconds' },
    ])
    expect(profile.metrics[profile.defaultMetric].name).toBe('time')
    expect(profile.meta.period?.value).toBeCloseTo(oracle.interval_seconds, 12)
    expect(profile.meta.notes.join('\n')).toMatch(/call counts are not in the file/)
    expect(graphOf(profile).nodes.every((n) => n.calls === undefined)).toBe(true)
  })

  test('one function per (file, name), its keys at several sampled lines merged', () => {
    const got = byFunction(profile, 0)
    expect(got.size).toBe(oracle.functions.length)
    for (const fn of oracle.functions) {
      const [self, total] = got.get(`${fn.file}:${fn.name}`)!
      expect([fn.name, self]).toEqual([fn.name, fn.self_samples])
      // Tachyon counts a sample once per sampled line: the sum over keys is an upper bound; the
      // reader's bound by the arcs into the function gives the stacks' own count here.
      expect(total).toBeLessThanOrEqual(fn.cumulative_samples)
      expect([fn.name, total]).toEqual([fn.name, fn.stack_samples])
    }
    const seconds = byFunction(profile, 1)
    for (const fn of oracle.functions)
      expect(seconds.get(`${fn.file}:${fn.name}`)![0]).toBeCloseTo(fn.self_seconds, 12)
  })

  test('recursion (fib at two lines of one stack) is counted once, and noted', () => {
    const fib = [...byFunction(profile, 0)].find(([k]) => k.endsWith(':fib'))![1]
    const oracleFib = oracle.functions.find((f) => f.name === 'fib')!
    expect(oracleFib.cumulative_samples).toBeGreaterThan(oracleFib.stack_samples)
    expect(fib[1]).toBe(oracleFib.stack_samples)
    expect(profile.meta.notes.join('\n')).toMatch(/estimated/)
  })

  test('no function and no arc counts more samples than the profile has', () => {
    const graph = graphOf(profile)
    for (const n of graph.nodes) expect(n.total[0]).toBeLessThanOrEqual(oracle.total_samples)
    for (const e of graph.edges) expect(e.total[0]).toBeLessThanOrEqual(oracle.total_samples)
  })

  test('the sampled lines are kept as position detail: each key’s own samples at its line', () => {
    const withLines = readPstats(fixture(FILE), { positions: true })
    const detail = withLines.positions!
    expect(detail.hasLines).toBe(true)
    const rows = new Map<string, number>()
    for (let r = 0; r < detail.lines.length; r++) {
      const f = withLines.frames.get(detail.lines.frame[r])
      rows.set(`${f.name}:${detail.lines.line[r]}`, detail.lines.self[r * detail.metricCount])
    }
    for (const line of oracle.lines)
      expect([line.name, rows.get(`${line.name}:${line.line}`)]).toEqual([line.name, line.samples])
    expect(readPstats(fixture(FILE), { positions: false }).positions).toBeUndefined()
  })

  test('an empty Tachyon file (the marker only) reads as an empty profile', () => {
    // marshal.dumps({("__sampled__",): True})
    const bytes = Uint8Array.from([
      0x7b,
      0xa9,
      0x01,
      0xda,
      0x0b,
      ...Buffer.from('__sampled__'),
      0x54,
      0x30,
    ])
    expect(graphOf(readPstats(bytes)).nodes).toEqual([])
  })
})

describeWithTool('python3', "-t pstats of a sampled profile loads in Python's pstats", () => {
  test('classic pstats (no marker); print_stats shows the same self seconds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profconv-tachyon-'))
    const out = join(dir, 'classic.prof')
    writeFileSync(out, writePstats(readPstats(fixture(FILE))))
    const script = [
      'import io, pstats, sys, json',
      's = io.StringIO()',
      'st = pstats.Stats(sys.argv[1], stream=s)',
      'assert all(len(k) == 3 for k in st.stats), "a marker key"',
      'st.sort_stats("tottime").print_stats()',
      'rows = {}',
      'for line in s.getvalue().splitlines():',
      '    parts = line.split()',
      '    if len(parts) >= 4 and parts[0] == "0" and parts[1].replace(".", "").isdigit():',
      '        rows[parts[-1]] = float(parts[1])',
      'print(json.dumps(rows))',
    ].join('\n')
    const rows = JSON.parse(run('python3', ['-c', script, out])) as Record<string, number>
    // print_stats prints `tottime` with 3 decimals, per `file:line(name)`.
    for (const fn of oracle.functions) {
      const row = Object.entries(rows).find(([k]) => k === `${fn.file}:0(${fn.name})`)
      expect([fn.name, row?.[1]]).toEqual([fn.name, Number(fn.self_seconds.toFixed(3))])
    }
    expect(Object.keys(rows).length).toBe(oracle.functions.length)
  })
})

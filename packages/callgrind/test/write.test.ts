import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  FrameTable,
  SamplesBuilder,
  dumpGraph,
  graphTotals,
  mergeProfiles,
  newMeta,
  withGraph,
  nanosecondsPer,
  type Metric,
  type Profile,
} from '@profconv/model'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'
import { readFileSync } from 'node:fs'
import { callgrindFormat, readCallgrind, writeCallgrind } from '../src/index.js'
import { annotateSelfByName, parseAnnotate, table } from './annotate.js'
import { FIXTURES } from './fixtures.js'

const dir = mkdtempSync(join(tmpdir(), 'profconv-callgrind-'))
const annotate = (text: string, file: string) => {
  const path = join(dir, file)
  writeFileSync(path, text)
  return parseAnnotate(
    run('callgrind_annotate', ['--threshold=100', '--auto=no', '--show-percs=no', path]),
  )
}

/** A small sampled profile (as from pprof or speedscope): times in milliseconds, no counts. */
function sampled(): Profile {
  const frames = new FrameTable()
  const main = frames.intern({ name: 'main', file: 'app.py', line: 1 })
  const parse = frames.intern({ name: 'parse', file: 'app.py', line: 10 })
  const lex = frames.intern({ name: 'lex', file: 'lex.py', line: 3 })
  const init1 = frames.intern({ name: '__init__', file: 'app.py', line: 20 })
  const init2 = frames.intern({ name: '__init__', file: 'app.py', line: 30 })
  const samples = new SamplesBuilder(1)
  samples.addStack([main, parse, lex], [2.5])
  samples.addStack([main, parse], [1])
  samples.addStack([main, init1], [0.25])
  samples.addStack([main, init2], [0.75])
  samples.addStack([main, parse, parse, lex], [0.5])
  return {
    metrics: [{ name: 'cpu', unit: 'milliseconds' }],
    defaultMetric: 0,
    frames,
    samples: samples.finish(),
    meta: newMeta('pprof'),
  }
}

/** A time metric as the writer writes it: `cpu(ms)` becomes `cpu(ns)`, in nanoseconds. */
function inNanoseconds(m: Metric): Metric {
  if (nanosecondsPer(m.unit) === undefined) return m
  return { name: `${m.name.replace(/\([a-z]+\)$/, '')}(ns)`, unit: 'nanoseconds' }
}

/** The profile with its time metrics in nanoseconds. */
function scaled(p: Profile): Profile {
  const k = p.metrics.map((m) => nanosecondsPer(m.unit) ?? 1)
  const times = (v: readonly number[]) => v.map((x, m) => x * k[m])
  const graph = p.graph!
  return {
    ...p,
    metrics: p.metrics.map(inNanoseconds),
    graph: {
      nodes: graph.nodes.map((n) => ({ ...n, self: times(n.self), total: times(n.total) })),
      edges: graph.edges.map((e) => ({ ...e, total: times(e.total) })),
    },
  }
}

describe('writeCallgrind', () => {
  test.each(FIXTURES)('%s: read(write(p)) has the same graph', (name) => {
    for (const p of readCallgrind(fixture(`callgrind/${name}.callgrind`))) {
      const [back] = readCallgrind(new TextEncoder().encode(writeCallgrind(p)))
      expect(back.metrics).toEqual(p.metrics.map(inNanoseconds))
      expect(dumpGraph(back)).toEqual(dumpGraph(scaled(p)))
    }
  })

  test('the format descriptor writes the same text as bytes', () => {
    for (const name of FIXTURES) {
      for (const p of readCallgrind(fixture(`callgrind/${name}.callgrind`))) {
        const bytes = callgrindFormat.write!(p, {})
        expect(bytes).toBeInstanceOf(Uint8Array)
        expect(new TextDecoder().decode(bytes as Uint8Array)).toBe(writeCallgrind(p))
      }
    }
  })

  test('a sampled profile: exact graph, time in integer nanoseconds, no invented counts', () => {
    const p = withGraph(sampled())
    const text = writeCallgrind(p)
    expect(text).toContain('event: cpu(ns) : cpu in nanoseconds [nanoseconds]\n')
    expect(text).toContain('events: cpu(ns)\nsummary: 5000000\n')
    expect(text).toMatch(/^calls=0 /m)
    expect(text).not.toMatch(/^calls=[1-9]/m)
    expect(text).toMatch(/^cfn=\(\d+\) __init__:20$/m)
    expect(text.trimEnd().endsWith('totals: 5000000')).toBe(true)
    const [back] = readCallgrind(new TextEncoder().encode(text))
    expect(back.metrics).toEqual([{ name: 'cpu(ns)', unit: 'nanoseconds' }])
    const ns = dumpGraph(back)
    expect(ns).toContain('fn parse (app.py) self=1000000 total=4000000')
    expect(ns).toContain('edge main (app.py) -> parse (app.py) total=4000000\n')
    expect(ns).not.toContain('calls=')
  })
})

describeWithTool('callgrind_annotate', 'callgrind_annotate reads what profconv writes', () => {
  test.each(FIXTURES)('%s: same self table and totals for input and output', (name) => {
    const profiles = readCallgrind(fixture(`callgrind/${name}.callgrind`))
    const merged = mergeProfiles(profiles)
    const output = annotate(writeCallgrind(merged), `${name}.callgrind`)
    const written = scaled(merged)
    expect(output.events).toEqual(written.metrics.map((m) => m.name))
    // Where the input has calls=0 arcs, annotate misreads them (see annotateSelfByName), on
    // input and output alike; compare with what it makes of the profile written.
    expect(table(output.byName)).toEqual(table(annotateSelfByName([written])))
    if (profiles.length === 1) {
      // One part: the arcs are written as they were read, calls=0 included, so annotate must
      // print the very table it printed for the input (time scaled to nanoseconds).
      const input = parseAnnotate(readFileSync(fixturePath(`callgrind/${name}.self.txt`), 'utf8'))
      const k = merged.metrics.map((m) => nanosecondsPer(m.unit) ?? 1)
      const inputNs = new Map([...input.byName].map(([f, v]) => [f, v.map((x, m) => x * k[m])]))
      expect(table(output.byName)).toEqual(table(inputNs))
    }
    expect(output.totals).toEqual(graphTotals(written.graph!, written.metrics.length))
  })

  test('a sampled profile', () => {
    const output = annotate(writeCallgrind(withGraph(sampled())), 'sampled.callgrind')
    expect(output.totals).toEqual([5000000])
    // Unknown counts are written calls=0, which callgrind_annotate 3.19 adds to the caller's
    // self (main shows 5 ms); KCachegrind reads them as calls. No count is invented.
    expect(table(output.byName)).toEqual(
      [
        '__init__:20 250000',
        '__init__:30 750000',
        'lex 3000000',
        'main 5000000',
        'parse 4500000',
      ].join('\n'),
    )
  })
})

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  FrameTable,
  SamplesBuilder,
  dumpGraph,
  mergeProfiles,
  newMeta,
  withGraph,
  type Profile,
} from '@profconv/model'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'
import { readFileSync } from 'node:fs'
import { UNKNOWN_CALLS_NOTE, callgrindFormat, readCallgrind, writeCallgrind } from '../src/index.js'
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

describe('writeCallgrind', () => {
  test.each(FIXTURES)('%s: read(write(p)) has the same graph', (name) => {
    for (const p of readCallgrind(fixture(`callgrind/${name}.callgrind`))) {
      const [back] = readCallgrind(new TextEncoder().encode(writeCallgrind(p)))
      // Event names, units and integer costs as they were (cpu(ms) stays cpu(ms)).
      expect(back.metrics).toEqual(p.metrics)
      expect(dumpGraph(back)).toEqual(dumpGraph(p))
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

  test('a sampled profile: exact graph, fractional time in integer nanoseconds, counts said unknown', () => {
    const p = withGraph(sampled())
    const text = writeCallgrind(p)
    expect(text).toContain('events: cpu(ns)\n')
    expect(text).toContain('summary: 5000000\n')
    // Unknown counts: calls=1 per call site, said in a desc: line and a note.
    expect(text).toContain(`desc: ${UNKNOWN_CALLS_NOTE}\n`)
    expect(text).not.toMatch(/^calls=(0|[2-9])/m)
    expect(p.meta.notes).toContain(UNKNOWN_CALLS_NOTE)
    expect(p.meta.notes.some((n) => /cpu \(milliseconds\) has fractional costs/.test(n))).toBe(true)
    expect(text).toMatch(/^cfn=\(\d+\) __init__:20$/m)
    const [back] = readCallgrind(new TextEncoder().encode(text))
    expect(back.metrics).toEqual([{ name: 'cpu(ns)', unit: 'nanoseconds' }])
    const ns = dumpGraph(back)
    expect(ns).toContain('fn parse (app.py) self=1000000 total=4000000')
    expect(ns).toContain('edge main (app.py) -> parse (app.py) total=4000000 calls=1\n')
  })

  test('integer time is written as it is: unit kept in an event: line', () => {
    const p = withGraph(sampled())
    p.metrics[0] = { name: 'cpu', unit: 'nanoseconds' }
    const [back] = readCallgrind(new TextEncoder().encode(writeCallgrind(p)))
    expect(back.metrics).toEqual([{ name: 'cpu', unit: 'nanoseconds' }])
  })

  test('file:// URLs are written as paths', () => {
    const frames = new FrameTable()
    const f = frames.intern({ name: 'f', file: 'file:///srv/app%20one/main.js', line: 3 })
    const samples = new SamplesBuilder(1)
    samples.addStack([f], [2])
    const p: Profile = {
      metrics: [{ name: 'samples', unit: 'count' }],
      defaultMetric: 0,
      frames,
      samples: samples.finish(),
      meta: newMeta('test'),
    }
    expect(writeCallgrind(withGraph(p))).toContain('fl=(1) /srv/app one/main.js\n')
  })
})

describeWithTool('callgrind_annotate', 'callgrind_annotate reads what profconv writes', () => {
  test.each(FIXTURES)('%s: same self table and totals for input and output', (name) => {
    const profiles = readCallgrind(fixture(`callgrind/${name}.callgrind`))
    const merged = mergeProfiles(profiles)
    const output = annotate(writeCallgrind(merged), `${name}.callgrind`)
    expect(output.events).toEqual(merged.metrics.map((m) => m.name))
    // Arcs are written with the counts read, calls=0 included, which annotate misreads (see
    // annotateSelfByName) on input and output alike.
    expect(table(output.byName)).toEqual(table(annotateSelfByName([merged])))
    if (profiles.length === 1) {
      const input = parseAnnotate(readFileSync(fixturePath(`callgrind/${name}.self.txt`), 'utf8'))
      expect(table(output.byName)).toEqual(table(input.byName))
      expect(output.totals).toEqual(input.totals)
    }
  })

  test('a sampled profile: true self costs, the total the sum', () => {
    const output = annotate(writeCallgrind(withGraph(sampled())), 'sampled.callgrind')
    expect(output.totals).toEqual([5000000])
    // Unknown counts are written calls=1: annotate counts the calls' costs as calls, not as
    // the caller's self (main has none).
    expect(table(output.byName)).toEqual(
      ['__init__:20 250000', '__init__:30 750000', 'lex 3000000', 'parse 1000000'].join('\n'),
    )
  })
})

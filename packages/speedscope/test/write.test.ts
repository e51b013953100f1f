import { readFileSync } from 'node:fs'
import { FrameTable, SamplesBuilder, dumpStacks, newMeta, type Profile } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readSpeedscope, writeSpeedscope, type SpeedscopeFile } from '../src/index.js'
import { VERSION } from '../src/version.js'
import { speedscopeProblems } from './helpers.js'

const encode = (text: string) => new TextEncoder().encode(text)

function sampleProfile(): Profile {
  const frames = new FrameTable()
  const main = frames.intern({ name: 'main', file: 'app.c', line: 10 })
  const parse = frames.intern({
    name: 'parse',
    file: 'parse.c',
    line: 3,
    column: 5,
    module: 'libparse.so',
  })
  const lex = frames.intern({ name: 'lex' })
  const builder = new SamplesBuilder(2)
  builder.addStack([main, parse, lex], [1, 10_000_000])
  builder.addStack([main, parse, lex], [2, 20_000_000])
  builder.addStack([main], [1, 0])
  builder.addStack([main, parse], [0, 5_000_000])
  const meta = newMeta('pprof')
  meta.name = 'cpu.pb.gz'
  meta.notes.push('call stacks were estimated')
  return {
    metrics: [
      { name: 'samples', unit: 'count' },
      { name: 'cpu', unit: 'nanoseconds' },
    ],
    defaultMetric: 1,
    frames,
    samples: builder.finish(),
    meta,
  }
}

describe('speedscope writer', () => {
  test('output is valid against speedscope’s schema and its invariants', () => {
    expect(speedscopeProblems(writeSpeedscope(sampleProfile()))).toEqual([])
  })

  test('one sampled profile per metric; the default metric is active; units mapped', () => {
    const file = JSON.parse(writeSpeedscope(sampleProfile())) as SpeedscopeFile
    expect(file.activeProfileIndex).toBe(1)
    expect(file.profiles.map((p) => [p.type, p.name, p.unit])).toEqual([
      ['sampled', 'cpu.pb.gz', 'none'],
      ['sampled', 'cpu.pb.gz [cpu]', 'nanoseconds'],
    ])
    const [counts, cpu] = file.profiles as Extract<
      SpeedscopeFile['profiles'][number],
      { type: 'sampled' }
    >[]
    // Consecutive equal stacks joined, zero weights left out.
    expect(counts.samples).toEqual([[0, 1, 2], [0]])
    expect(counts.weights).toEqual([3, 1])
    expect(cpu.samples).toEqual([
      [0, 1, 2],
      [0, 1],
    ])
    expect(cpu.weights).toEqual([30_000_000, 5_000_000])
    expect(cpu.endValue).toBe(35_000_000)
    expect(file.shared.frames).toEqual([
      { name: 'main', file: 'app.c', line: 10 },
      { name: 'parse', file: 'parse.c', line: 3, col: 5 },
      { name: 'lex' },
    ])
  })

  test('--metric picks one profile', () => {
    const file = JSON.parse(
      writeSpeedscope(sampleProfile(), { metric: 'samples' }),
    ) as SpeedscopeFile
    expect(file.profiles.map((p) => p.unit)).toEqual(['none'])
    expect(file.activeProfileIndex).toBe(0)
  })

  test('exporter names profconv and its version, then the notes; dropped modules are noted', () => {
    const profile = sampleProfile()
    const file = JSON.parse(writeSpeedscope(profile)) as SpeedscopeFile
    expect(file.exporter).toBe(`profconv@${VERSION}; note: call stacks were estimated`)
    expect(profile.meta.notes.at(-1)).toMatch(/module \(binary\) of 1 frame\(s\) was dropped/)
  })

  test('VERSION is the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(VERSION).toBe(pkg.version)
  })

  test('a profile without samples is refused', () => {
    const p = { ...sampleProfile(), samples: undefined }
    expect(() => writeSpeedscope(p)).toThrow(/no samples/)
  })
})

describe('speedscope round trips', () => {
  test.each([
    'workload-cpuprofile.speedscope.json',
    'perf-script.speedscope.json',
    'perf-folded.speedscope.json',
  ])('%s → speedscope → speedscope keeps stacks, weights and frames exactly', (name) => {
    const [original] = readSpeedscope(fixture(`speedscope/${name}`))
    const written = writeSpeedscope(original)
    expect(speedscopeProblems(written)).toEqual([])
    const [again] = readSpeedscope(encode(written))
    expect(dumpStacks(again)).toBe(dumpStacks(original))
    expect(again.frames.frames).toEqual(original.frames.frames)
    expect(again.metrics).toEqual(original.metrics)
    expect(again.meta.name).toBe(original.meta.name)
    // And the writer's own output is a fixed point, byte for byte.
    expect(writeSpeedscope(again)).toBe(written)
  })

  test('written samples keep their order (the time-order view)', () => {
    const [original] = readSpeedscope(fixture('speedscope/workload-cpuprofile.speedscope.json'))
    const file = JSON.parse(writeSpeedscope(original)) as SpeedscopeFile
    const p = file.profiles[0] as Extract<SpeedscopeFile['profiles'][number], { type: 'sampled' }>
    const s = original.samples!
    const expected: string[] = []
    for (let i = 0; i < s.stack.length; i++) {
      const key = s.tree.stack(s.stack[i]).join(',')
      if (expected.at(-1) !== key) expected.push(key)
    }
    expect(p.samples.map((stack) => stack.join(','))).toEqual(expected)
  })
})

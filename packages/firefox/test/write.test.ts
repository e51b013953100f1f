import { readFileSync } from 'node:fs'
import {
  FrameTable,
  SamplesBuilder,
  dumpStacks,
  newMeta,
  type Metric,
  type Profile,
} from '@profconv/model'
import { readFirefox, writeFirefox, WRITTEN_VERSION } from '../src/index.js'
import { VERSION } from '../src/version.js'

/** A small profile: main → parse → lex, main → eval, with lines, a module and sample times. */
function small(
  metrics: Metric[],
  values: number[][],
  names = ['main', 'parse', 'lex', 'eval'],
): Profile {
  const frames = new FrameTable()
  const [main, parse, lex, evaluate] = [
    frames.intern({ name: names[0], file: 'app.py', line: 1 }),
    frames.intern({ name: names[1], file: 'app.py', line: 10, column: 3 }),
    frames.intern({ name: names[2], module: 'liblex.so' }),
    frames.intern({ name: names[3], file: 'app.js', line: 4 }),
  ]
  const builder = new SamplesBuilder(metrics.length)
  const stacks = [
    [main, parse, lex],
    [main, evaluate],
    [main, parse],
  ]
  stacks.forEach((stack, i) =>
    builder.addStack(
      stack,
      values.map((v) => v[i]),
      undefined,
      i * 1e6,
    ),
  )
  const meta = newMeta('pprof')
  meta.name = 'app'
  meta.notes.push('stacks were estimated')
  return { metrics, defaultMetric: metrics.length - 1, frames, samples: builder.finish(), meta }
}

describe('writeFirefox', () => {
  const profile = small(
    [
      { name: 'samples', unit: 'count' },
      { name: 'cpu', unit: 'nanoseconds' },
      { name: 'alloc', unit: 'bytes' },
    ],
    [
      [1, 2, 3],
      [1e6, 2.5e6, 3e6],
      [64, 0, 32],
    ],
  )
  const file = JSON.parse(writeFirefox(profile))

  test('processed version 70 with categories, notes in meta and the default metric selected', () => {
    expect(file.meta.preprocessedProfileVersion).toBe(WRITTEN_VERSION)
    expect(file.meta.categories[0]).toEqual({
      name: 'Other',
      color: 'grey',
      subcategories: ['Other'],
    })
    expect(file.meta.importedFrom).toBe(`profconv@${VERSION} (pprof)`)
    expect(file.meta.extra[0].entries).toContainEqual({
      label: 'Note',
      format: 'string',
      value: 'stacks were estimated',
    })
    expect(file.meta.initialSelectedThreads).toEqual([2])
  })

  test('one thread per metric, each with its weight type and per-sample weights', () => {
    expect(file.threads.map((t: { name: string }) => t.name)).toEqual([
      'app — samples',
      'app — cpu',
      'app — alloc',
    ])
    expect(file.threads.map((t: { samples: object }) => t.samples)).toMatchObject([
      { weightType: 'samples', weight: [1, 2, 3], time: [0, 1, 2], length: 3 },
      { weightType: 'tracing-ms', weight: [1, 2.5, 3], time: [0, 1, 2] },
      // The zero-weight sample is left out.
      { weightType: 'bytes', weight: [64, 32], time: [0, 2], length: 2 },
    ])
  })

  test('every function keeps its file, line, column and library; frames their category', () => {
    const { funcTable, sources, resourceTable, stringArray, frameTable } = file.shared
    const func = (i: number) => ({
      name: stringArray[funcTable.name[i]],
      file:
        funcTable.source[i] === null ? null : stringArray[sources.filename[funcTable.source[i]]],
      line: funcTable.lineNumber[i],
      column: funcTable.columnNumber[i],
      lib:
        funcTable.resource[i] < 0 ? null : stringArray[resourceTable.name[funcTable.resource[i]]],
    })
    expect([0, 1, 2, 3].map(func)).toEqual([
      { name: 'main', file: 'app.py', line: 1, column: null, lib: null },
      { name: 'parse', file: 'app.py', line: 10, column: 3, lib: null },
      { name: 'lex', file: null, line: null, column: null, lib: 'liblex.so' },
      { name: 'eval', file: 'app.js', line: 4, column: null, lib: null },
    ])
    const categories = file.meta.categories.map((c: { name: string }) => c.name)
    const byFunc = new Map<number, string>()
    frameTable.func.forEach((f: number, i: number) =>
      byFunc.set(f, categories[frameTable.category[i]]),
    )
    expect([0, 1, 2, 3].map((f) => byFunc.get(f))).toEqual([
      'Python',
      'Python',
      'Native',
      'JavaScript',
    ])
  })

  test('reads back to the same stacks, metric by metric (names and units from meta.extra)', () => {
    const text = writeFirefox(profile)
    const back = readFirefox(new TextEncoder().encode(text))
    expect(back.map((p) => p.metrics[0])).toEqual(profile.metrics)
    // Without profconv's entries the weight types say what the values are.
    const plain = JSON.parse(text)
    plain.meta.extra = []
    expect(
      readFirefox(new TextEncoder().encode(JSON.stringify(plain))).map((p) => p.metrics[0]),
    ).toEqual([
      { name: 'samples', unit: 'count' },
      { name: 'time', unit: 'milliseconds' },
      { name: 'space', unit: 'bytes' },
    ])
    const one = (m: number, scale: number) =>
      dumpStacks({
        ...profile,
        metrics: [profile.metrics[m]],
        samples: {
          ...profile.samples!,
          values: [profile.samples!.values[m].map((v) => v * scale)],
        },
      })
    // (stacks whose samples all weigh 0 are not written)
    const written = (dump: string) =>
      dump
        .split('\n')
        .filter((l) => !l.endsWith(' 0'))
        .join('\n')
    expect(back.map(dumpStacks)).toEqual([one(0, 1), one(1, 1), one(2, 1)].map(written))
  })

  test('--metric writes one thread; a unit without weight type is noted', () => {
    const instructions = small(
      [
        { name: 'Ir', unit: 'count' },
        { name: 'cycles', unit: 'cycles' },
      ],
      [
        [1, 1, 1],
        [5, 6, 7],
      ],
    )
    const out = JSON.parse(writeFirefox(instructions, { metric: 'cycles' }))
    expect(out.threads).toHaveLength(1)
    expect(out.threads[0].samples).toMatchObject({ weightType: 'samples', weight: [5, 6, 7] })
    expect(instructions.meta.notes).toContainEqual(
      expect.stringMatching(/'cycles' \(cycles\) has no Firefox Profiler weight type/),
    )
  })

  test('samples without times are laid out, and read back without times, period or start', () => {
    const frames = new FrameTable()
    const f = frames.intern({ name: 'f' })
    const builder = new SamplesBuilder(1)
    builder.addStack([f], [2])
    builder.addStack([f], [3])
    const timeless: Profile = {
      metrics: [{ name: 'Ir', unit: 'count' }],
      defaultMetric: 0,
      frames,
      samples: builder.finish(),
      meta: newMeta('callgrind'),
    }
    const file = JSON.parse(writeFirefox(timeless))
    expect(file.threads[0].samples.time).toEqual([0, 1])
    expect(file.meta.extra[0].entries).toContainEqual(
      expect.objectContaining({ label: 'Sample times' }),
    )
    const [back] = readFirefox(new TextEncoder().encode(JSON.stringify(file)))
    expect(back.metrics).toEqual(timeless.metrics)
    expect(back.samples!.time).toBeUndefined()
    expect(back.meta.period).toBeUndefined()
    expect(back.meta.startTime).toBeUndefined()
    expect(dumpStacks(back)).toBe('f 5')
  })

  test('hostile names stay data', () => {
    const hostile = small(
      [{ name: 'samples', unit: 'count' }],
      [[1, 1, 1]],
      ['__proto__', '"}]\n', '\ud800', 'constructor'],
    )
    const back = readFirefox(new TextEncoder().encode(writeFirefox(hostile)))
    expect(dumpStacks(back[0])).toBe(dumpStacks(hostile))
  })

  test('VERSION matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
    expect(VERSION).toBe(pkg.version)
  })
})

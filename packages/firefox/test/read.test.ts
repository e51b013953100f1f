import { gzipSync } from 'node:zlib'
import { dumpGraph, dumpStacks, ProfconvError } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { functionOfLocation, readFirefox, sniffFirefox } from '../src/index.js'

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))
const names = (file: string) =>
  readFirefox(fixture(`firefox/${file}`)).map(
    (p) => `${p.meta.name} | ${p.meta.comments.join('; ')}`,
  )

// The Firefox Profiler's own upgrade fixtures (src/test/fixtures/upgrades), Gecko 3 and 13,
// processed 0, 7 and 24, hold the same three threads; profconv reads each alike.
const FILES = [
  'gecko-1.json',
  'gecko-2.json',
  'gecko-2-libs-offset.json',
  'gecko-1-libs-offset.json',
  'processed-1.json',
  'processed-2.json',
  'processed-3.json',
  'processed-3-no-counters.json',
  'python-3.15-v57.json',
]

describe('readFirefox on real files', () => {
  test.each(FILES)('%s: every thread, as a call graph', (file) => {
    const dump = readFirefox(fixture(`firefox/${file}`))
      .map(
        (p) =>
          `## ${p.meta.name} [${p.metrics.map((m) => `${m.name}/${m.unit}`)}]\n${dumpGraph(p)}`,
      )
      .join('\n')
    expect(dump).toMatchSnapshot()
  })

  test('Gecko: subprocess threads follow the parent’s, their times shifted to its start', () => {
    expect(names('gecko-2.json')).toEqual([
      'GeckoMain | thread GeckoMain: default, pid Unknown Process 1',
      'Compositor | thread Compositor: default, pid Unknown Process 2',
      'GeckoMain | thread GeckoMain: tab, pid Unknown Process 3',
    ])
    const [parent, , content] = readFirefox(fixture('firefox/gecko-2.json'))
    // The content process started 1 s after the parent (meta.startTime 1460221353723.438).
    expect(content.samples!.time![0] - parent.samples!.time![0]).toBeCloseTo(1000e6, -3)
  })

  test('Gecko: locations become functions as the profiler reads them', () => {
    const none = () => undefined
    expect(functionOfLocation('0x100000f84', () => 'firefox')).toEqual({
      name: '0x100000f84',
      module: 'firefox',
    })
    expect(functionOfLocation('nsFoo::Bar() (in XUL) + 12', none)).toEqual({
      name: 'nsFoo::Bar()',
      module: 'XUL',
    })
    expect(functionOfLocation('non-virtual thunk to A::b (in libxul.so)', none)).toEqual({
      name: 'A::b',
      module: 'libxul.so',
    })
    expect(functionOfLocation('frobnicate (chrome://blargh:34:5)', none)).toEqual({
      name: 'frobnicate',
      file: 'chrome://blargh',
      line: 34,
      column: 5,
    })
    expect(functionOfLocation('a.js -> https://x.org/b.js:7[3]', none)).toEqual({
      name: '(root scope) https://x.org/b.js',
      file: 'https://x.org/b.js',
      line: 7,
    })
    expect(functionOfLocation('Startup::XRE_Main', none)).toEqual({ name: 'Startup::XRE_Main' })
  })

  test('Python 3.15 (processed 57): string pids, shared strings, files and lines', () => {
    const [main] = readFirefox(fixture('firefox/python-3.15-v57.json'))
    expect(main.meta.name).toBe('MainThread')
    expect(main.meta.comments).toEqual([
      expect.stringMatching(/^thread MainThread: Python Process, pid \d+, tid 1$/),
    ])
    const fib = main.frames.frames.find((f) => f.name === 'fib')
    expect(fib).toEqual({
      name: 'fib',
      file: 'fixtures-firefox-python.py',
      line: 23,
      module: 'fixtures-firefox-python.py',
    })
    expect(main.samples!.tree.hasLines).toBe(true)
  })

  test('gzip is accepted; a gzipped file reads like the plain one', () => {
    const plain = fixture('firefox/processed-3.json')
    const a = readFirefox(plain).map(dumpStacks)
    expect(readFirefox(new Uint8Array(gzipSync(plain))).map(dumpStacks)).toEqual(a)
  })
})

/** A processed profile of the newest layout: shared tables, prefixOffset, sources, deltas, weights. */
function modern(samples: Record<string, unknown>) {
  return {
    meta: { preprocessedProfileVersion: 70, startTime: 0, interval: 1 },
    shared: {
      stringArray: ['main', 'work', 'app.py', 'libc.so.6', 'leaf'],
      stackTable: { frame: [0, 1, 2], prefixOffset: [0, 1, 2], length: 3 },
      frameTable: { func: [0, 1, 2], line: [null, 7, null], length: 3 },
      funcTable: {
        name: [0, 1, 4],
        source: [0, 0, null],
        lineNumber: [1, 5, null],
        columnNumber: [null, null, null],
        resource: [-1, -1, 0],
        length: 3,
      },
      resourceTable: { name: [3], host: [null], type: [1], length: 1 },
      sources: { filename: [2], length: 1 },
    },
    threads: [{ name: 'T', pid: '9', tid: 1, samples }],
  }
}

describe('readFirefox on the current layout', () => {
  test('tracing-ms weights, timeDeltas, prefixOffset, sources and libraries', () => {
    const [p] = readFirefox(
      json(
        modern({
          stack: [1, 2, 2, null],
          timeDeltas: [0, 1.5, 2, 1],
          weight: [1.5, 2, 0.5, 9],
          weightType: 'tracing-ms',
          length: 4,
        }),
      ),
    )
    expect(p.metrics).toEqual([{ name: 'time', unit: 'milliseconds' }])
    expect(dumpStacks(p)).toBe('main (app.py:1);leaf 2.5\nmain (app.py:1);work (app.py:5) 1.5')
    expect(p.frames.frames.find((f) => f.name === 'leaf')).toEqual({
      name: 'leaf',
      module: 'libc.so.6',
    })
    expect(Array.from(p.samples!.time!)).toEqual([0, 1.5e6, 3.5e6])
    expect(p.samples!.tree.line(p.samples!.stack[0])).toBe(7)
    expect(p.meta.notes).toEqual([expect.stringMatching(/1 sample\(s\) without a stack/)])
  })

  test('threadCPUDelta becomes a second metric, in the unit meta.sampleUnits gives', () => {
    const file = modern({ stack: [1, 2], time: [0, 1], threadCPUDelta: [null, 250] })
    const withUnits = { ...file, meta: { ...file.meta, sampleUnits: { threadCPUDelta: 'µs' } } }
    const [p] = readFirefox(json(withUnits))
    expect(p.metrics).toEqual([
      { name: 'samples', unit: 'count' },
      { name: 'cpu', unit: 'microseconds' },
    ])
    expect(dumpStacks(p)).toBe('main (app.py:1);leaf 1 250\nmain (app.py:1);work (app.py:5) 1 0')
    // Without a unit the column is not read.
    expect(readFirefox(json(file))[0].metrics).toHaveLength(1)
  })

  test('Gecko threadCPUDelta too', () => {
    const gecko = {
      meta: { version: 27, startTime: 0, interval: 1, sampleUnits: { threadCPUDelta: 'ns' } },
      libs: [],
      threads: [
        {
          name: 'GeckoMain',
          stringTable: ['main', 'leaf (https://x.org/a.js:3:1)'],
          stackTable: {
            schema: { prefix: 0, frame: 1 },
            data: [
              [null, 0],
              [0, 1],
            ],
          },
          frameTable: { schema: { location: 0, line: 1 }, data: [[0], [1, 3]] },
          samples: {
            schema: { stack: 0, time: 1, threadCPUDelta: 2 },
            data: [
              [1, 0, 1000],
              [1, 1, 3000],
              [0, 2, null],
            ],
          },
        },
      ],
    }
    const [p] = readFirefox(json(gecko))
    expect(p.metrics.map((m) => `${m.name}/${m.unit}`)).toEqual([
      'samples/count',
      'cpu/nanoseconds',
    ])
    expect(dumpStacks(p)).toBe('main 1 0\nmain;leaf (https://x.org/a.js:3) 2 4000')
  })

  test('bytes weights read as space', () => {
    const [p] = readFirefox(
      json(modern({ stack: [2], time: [0], weight: [64], weightType: 'bytes' })),
    )
    expect(p.metrics).toEqual([{ name: 'space', unit: 'bytes' }])
    expect(dumpStacks(p)).toBe('main (app.py:1);leaf 64')
  })
})

describe('malformed input is a ProfconvError naming the place', () => {
  const error = (value: unknown) => {
    try {
      readFirefox(json(value))
    } catch (e) {
      expect(e).toBeInstanceOf(ProfconvError)
      return (e as Error).message
    }
    throw new Error('no error')
  }
  test.each([
    [modern({ stack: [7], time: [0], weightType: 'samples' }), /sample 0: stack 7 is out of range/],
    [modern({ stack: [0], time: [0], weightType: 'seconds' }), /unknown weightType "seconds"/],
    [modern({ stack: [0], time: [0], weight: ['x'] }), /sample 0: the weight "x" is not a finite/],
    [{ meta: { version: 2 }, threads: [] }, /Gecko profile version 2 is older than 3/],
    [{ meta: { preprocessedProfileVersion: 70 }, threads: 'no' }, /missing 'threads'/],
    [[1, 2], /not a JSON object/],
  ])('%#', (value, message) => {
    expect(error(value)).toMatch(message)
  })

  test('a prefix chain that loops', () => {
    const file = modern({ stack: [0], time: [0] })
    file.shared.stackTable.prefixOffset = [-1, 1, 1]
    expect(error(file)).toMatch(/prefix/)
  })
})

describe('sniffFirefox', () => {
  test('knows processed and Gecko files, not other JSON', () => {
    for (const file of FILES) expect(sniffFirefox(fixture(`firefox/${file}`))).toBe(true)
    expect(sniffFirefox(fixture('cpuprofile/workload.cpuprofile'))).toBe(false)
    expect(sniffFirefox(fixture('speedscope/perf-folded.speedscope.json'))).toBe(false)
    expect(sniffFirefox(new TextEncoder().encode('{"meta": 1}'))).toBe(false)
  })
})

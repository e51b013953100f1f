import { ProfconvError, dumpPositions, dumpStacks, graphOf } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { gunzipSync, gzipSync } from 'fflate'
import { pprofFormat, readPprof, sniffPprof } from '../src/index.js'
import { encodeProfile, type DeepPartial, type ProfileMessage } from '../src/proto.js'
import { TINY_STRINGS } from './tiny-strings.js'

/** A small hand-made profile: main → (parse → lex) with lex inlined into parse. */
function tiny(extra: DeepPartial<ProfileMessage> = {}): DeepPartial<ProfileMessage> {
  return {
    sampleType: [{ type: 1, unit: 2 }],
    mapping: [{ id: 1, filename: 7 }],
    function: [
      { id: 1, name: 3, systemName: 3, filename: 6, startLine: 1 },
      { id: 2, name: 4, systemName: 4, filename: 6, startLine: 10 },
      { id: 3, name: 5, systemName: 5, filename: 6, startLine: 20 },
    ],
    location: [
      { id: 1, mappingId: 1, line: [{ functionId: 1, line: 5 }] },
      {
        id: 2,
        mappingId: 1,
        line: [
          { functionId: 3, line: 22 },
          { functionId: 2, line: 12 },
        ],
      },
      { id: 3, mappingId: 1, line: [{ functionId: 1, line: 6 }] },
    ],
    sample: [
      { locationId: [2, 1], value: [30], label: [{ key: 8, str: 9 }] },
      { locationId: [3], value: [12], label: [{ key: 10, num: 64, numUnit: 11 }] },
    ],
    stringTable: [...TINY_STRINGS],
    ...extra,
  }
}
const bytes = (m: DeepPartial<ProfileMessage>) => encodeProfile(m)

describe('readPprof', () => {
  test('inlined lines become frames, the inner ones marked inlined; lines kept per node', () => {
    const p = readPprof(bytes(tiny()))
    expect(dumpStacks(p)).toBe(
      'main (app.go:1) 12\nmain (app.go:1);parse (app.go:10);lex (app.go:20) 30',
    )
    const lex = p.frames.frames.find((f) => f.name === 'lex')
    expect(lex).toEqual({ name: 'lex', file: 'app.go', line: 20, module: 'app', inlined: true })
    expect(p.frames.frames.find((f) => f.name === 'parse')!.inlined).toBeUndefined()
    const s = p.samples!
    const lines = (leaf: number) =>
      [leaf, s.tree.parent(leaf), s.tree.parent(s.tree.parent(leaf))].map((n) => s.tree.line(n))
    expect(lines(s.stack[0])).toEqual([22, 12, 5])
    // main at line 5 and line 6 are two nodes of one frame: one function in the graph.
    expect(s.stack[1]).not.toBe(s.tree.parent(s.tree.parent(s.stack[0])))
    expect(graphOf(p).nodes.filter((n) => p.frames.get(n.frame).name === 'main')).toHaveLength(1)
  })

  test('addresses on the stack tree (exact, kernel ones too) unless positions: false; mappings in meta', () => {
    const p = readPprof(fixture('pprof/cpu.pb.gz'))
    expect(p.samples!.tree.addressLo(p.samples!.stack[0])).not.toBe(0)
    expect(p.meta.mappings![0]).toEqual({
      file: '/tmp/tmp.863FT9gs47/cpu',
      start: 0x400000n,
      limit: 0x4ab000n,
      offset: 0n,
      symbolized: { functions: true, filenames: false, lineNumbers: false, inlineFrames: false },
    })
    expect(p.meta.mappings!.map((m) => m.start)).toContain(0xffffffffff600000n)
    const lean = readPprof(fixture('pprof/cpu.pb.gz'), { positions: false })
    expect(lean.samples!.tree.addressLo(lean.samples!.stack[0])).toBe(0)
    expect(dumpStacks(lean)).toEqual(dumpStacks(p))

    // A kernel location: its address and its mapping's bounds lie beyond 2^53.
    const k = readPprof(
      bytes(
        tiny({
          mapping: [
            {
              id: 1,
              filename: 7,
              memoryStart: 0xffffffff81000000n,
              memoryLimit: 0xffffffff83000000n,
              buildId: 9,
            },
          ],
          location: [
            { id: 1, mappingId: 1, address: 0xffffffff81414770n, line: [{ functionId: 1 }] },
            { id: 2, mappingId: 1, address: 0xffffffff81414771n, line: [{ functionId: 2 }] },
            { id: 3, mappingId: 1, address: 0xffffffff81414772n, line: [{ functionId: 1 }] },
          ],
        }),
      ),
    )
    expect(k.meta.mappings![0]).toMatchObject({
      file: 'app',
      start: 0xffffffff81000000n,
      limit: 0xffffffff83000000n,
      buildId: 'T1',
    })
    expect(dumpPositions(k)).toContain('at parse (app.go:10) app.go:0 @ffffffff81414771 = 30')
    expect(dumpPositions(k)).toContain('at main (app.go:1) app.go:0 @ffffffff81414772 = 12')
  })

  test('string and numeric labels', () => {
    const p = readPprof(bytes(tiny()))
    expect(p.samples!.labels).toEqual([
      [{ key: 'thread', str: 'T1' }],
      [{ key: 'size', num: 64, unit: 'bytes' }],
    ])
  })

  test('metadata: default sample type, period, times, comments, doc_url', () => {
    const p = readPprof(
      bytes(
        tiny({
          sampleType: [
            { type: 1, unit: 2 },
            { type: 10, unit: 11 },
          ],
          sample: [{ locationId: [1], value: [1, 2] }],
          defaultSampleType: 1,
          periodType: { type: 1, unit: 2 },
          period: 10000000,
          timeNanos: 1700000000123456800,
          durationNanos: 2500000000,
          comment: [8, 9],
          docUrl: 7,
        }),
      ),
    )
    expect(p.metrics).toEqual([
      { name: 'cpu', unit: 'nanoseconds' },
      { name: 'size', unit: 'bytes' },
    ])
    expect(p.defaultMetric).toBe(0)
    expect(p.meta.period).toEqual({ metric: { name: 'cpu', unit: 'nanoseconds' }, value: 10000000 })
    expect(p.meta.startTime).toBeCloseTo(1700000000123.4568, 3)
    expect(p.meta.duration).toBe(2500000000)
    expect(p.meta.comments).toEqual(['thread', 'T1', 'doc_url: app'])
    expect(
      readPprof(
        bytes(
          tiny({
            sampleType: [
              { type: 1, unit: 2 },
              { type: 10, unit: 11 },
            ],
            sample: [],
          }),
        ),
      ).defaultMetric,
    ).toBe(1)
  })

  test('values beyond 2^53 are noted', () => {
    const p = readPprof(bytes(tiny({ sample: [{ locationId: [1], value: [2 ** 60] }] })))
    expect(p.meta.notes.join()).toMatch(/2\^53/)
  })

  test('drop_frames cuts the matching function and its callees, keep_frames spares; option to ignore', () => {
    // parse is the outermost line of its location: the whole location goes.
    const dropParse = tiny({ dropFrames: 4 })
    expect(dumpStacks(readPprof(bytes(dropParse)))).toBe('main (app.go:1) 42')
    // lex matches: only the inlined lex line goes, parse stays.
    expect(dumpStacks(readPprof(bytes(tiny({ dropFrames: 5 }))))).toBe(
      'main (app.go:1) 12\nmain (app.go:1);parse (app.go:10) 30',
    )
    const p = readPprof(bytes(dropParse))
    expect(p.meta.notes.join()).toMatch(/drop_frames/)
    // Frames from the root to the first kept frame stay: dropping main drops nothing.
    expect(dumpStacks(readPprof(bytes(tiny({ dropFrames: 3 }))))).toBe(
      dumpStacks(readPprof(bytes(tiny()))),
    )
    // keep_frames wins over drop_frames; the regexp is anchored and argument lists are ignored.
    const strings = [...tiny().stringTable!, 'p.*|lex', 'parse']
    expect(
      dumpStacks(readPprof(bytes(tiny({ stringTable: strings, dropFrames: 12, keepFrames: 13 })))),
    ).toBe('main (app.go:1) 12\nmain (app.go:1);parse (app.go:10) 30')
    expect(dumpStacks(readPprof(bytes(dropParse), { pruneFrames: false }))).toBe(
      dumpStacks(readPprof(bytes(tiny()))),
    )
  })

  test('gzip or not', () => {
    expect(dumpStacks(readPprof(gzipSync(bytes(tiny()))))).toBe(
      dumpStacks(readPprof(bytes(tiny()))),
    )
  })

  test.each([
    [
      'a truncated buffer',
      () => readPprof(bytes(tiny()).subarray(0, 40)),
      /not a valid profile.proto/,
    ],
    [
      'text',
      () => readPprof(new TextEncoder().encode('events: Ir\nfn=main\n')),
      /not a valid|string/,
    ],
    [
      'a dangling location id',
      () => readPprof(bytes(tiny({ sample: [{ locationId: [9], value: [1] }] }))),
      /location 9/,
    ],
    [
      'a dangling function id',
      () => readPprof(bytes(tiny({ location: [{ id: 1, line: [{ functionId: 7 }] }] }))),
      /function 7/,
    ],
    [
      'a dangling mapping id',
      () => readPprof(bytes(tiny({ location: [{ id: 1, mappingId: 4 }] }))),
      /mapping 4/,
    ],
    [
      'a string index past the table',
      () => readPprof(bytes(tiny({ comment: [99] }))),
      /string index 99/,
    ],
    [
      'too few values',
      () => readPprof(bytes(tiny({ sample: [{ locationId: [1], value: [] }] }))),
      /0 values for 1/,
    ],
    [
      'a bad drop_frames',
      () => readPprof(bytes(tiny({ stringTable: [...tiny().stringTable!, '(['], dropFrames: 12 }))),
      /drop_frames/,
    ],
  ])('%s is a ProfconvError', (_, read, message) => {
    expect(read).toThrow(ProfconvError)
    expect(read).toThrow(message)
  })

  test('random bytes never escape as anything but ProfconvError', () => {
    let seed = 7
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff
    const real = bytes(tiny())
    for (let i = 0; i < 300; i++) {
      const b = real.slice()
      for (let k = 0; k < 3; k++) b[rand() % b.length] = rand()
      try {
        readPprof(b)
      } catch (error) {
        expect(error).toBeInstanceOf(ProfconvError)
      }
    }
  })
})

describe('sniffPprof', () => {
  test('recognises real and hand-made profiles (gunzipped), not text or other binaries', () => {
    expect(sniffPprof(bytes(tiny()))).toBe(true)
    expect(sniffPprof(readRaw('cpu'))).toBe(true)
    expect(pprofFormat.read!(fixture('pprof/cpu.pb.gz'), {})).toHaveLength(1)
    expect(sniffPprof(readRaw('heap').subarray(0, 100))).toBe(true)
    for (const text of [
      'events: Ir\n',
      '{"a":1}',
      'main;foo 10\n',
      '# callgrind format\n',
      '\n\nhello',
    ]) {
      expect(sniffPprof(new TextEncoder().encode(text))).toBe(false)
    }
    expect(sniffPprof(new Uint8Array([0xe3, 0x7b, 0x00]))).toBe(false)
  })
})

function readRaw(name: string): Uint8Array {
  return gunzipSync(fixture(`pprof/${name}.pb.gz`))
}

import { gzipSync } from 'node:zlib'
import { getFormat } from '@profconv/core'
import { ProfconvError, dumpGraph, dumpStacks } from '@profconv/model'
import { READERS } from './corpus.js'
import { readChecked } from './guard.js'

// The limits against hostile input, one by one: each ends in a clear ProfconvError (or, where
// the input is legal, in the right profile), never in a crash, a hang or a huge allocation.

const bytes = (text: string) => new TextEncoder().encode(text)
const read = (format: string, input: Uint8Array | string) =>
  getFormat(format).read!(typeof input === 'string' ? bytes(input) : input, {})
async function* chunks(...parts: Uint8Array[]) {
  yield* parts
}
const message = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    if (error instanceof ProfconvError) return error.message
    throw error
  }
  throw new Error('no error')
}

describe('gzip bombs', () => {
  const bomb = new Uint8Array(gzipSync(new Uint8Array(8 * 1024 ** 2).fill(32)))

  test.each(READERS.map((f) => [f.name, f] as const))(
    '%s stops at maxInputSize and says how to raise it',
    async (_name, format) => {
      const limit = { maxInputSize: 1024 ** 2 }
      expect(() => format.read!(bomb, limit)).toThrow(
        /expands past the limit of 1048576 bytes.*--max-input-size/,
      )
      if (format.readStream) {
        await expect(
          format.readStream(chunks(bomb.subarray(0, 100), bomb.subarray(100)), limit),
        ).rejects.toThrow(/expands past the limit of 1048576 bytes/)
      }
    },
  )

  test('the cap is on decompressed bytes: a big enough limit lets the same data through', () => {
    const folded = bytes('main;work 3\n'.repeat(100_000))
    const gz = new Uint8Array(gzipSync(folded))
    expect(() => getFormat('folded').read!(gz, { maxInputSize: folded.length - 1 })).toThrow(
      /limit/,
    )
    const [profile] = getFormat('folded').read!(gz, { maxInputSize: folded.length })
    expect(dumpStacks(profile)).toBe('main;work 300000')
  })
})

describe('nesting depth', () => {
  test('marshal: nesting past CPython’s limit is an error, not a stack overflow', () => {
    const tuples = new Uint8Array(200_000 * 2).map((_, i) => (i % 2 === 0 ? 0x29 : 1)) // ")\x01"
    expect(message(() => read('pstats', tuples))).toMatch(/^pstats: at byte \d+: nesting deeper/)
    const lists = new Uint8Array(100_000 * 5).map((_, i) =>
      i % 5 === 0 ? 0x5b : i % 5 === 1 ? 1 : 0,
    )
    expect(message(() => read('pstats', lists))).toMatch(/nesting deeper/)
  })

  test.each(['pstats-json', 'speedscope', 'cpuprofile', 'firefox'])(
    '%s: JSON nested a million deep',
    (format) => {
      for (const open of ['[', '{"a":']) {
        const deep = open.repeat(1_000_000) + '1' + (open === '[' ? ']' : '}').repeat(1_000_000)
        expect(readChecked(getFormat(format), bytes(deep))).toBe('error')
      }
    },
  )
})

describe('declared lengths beyond the input', () => {
  test('pprof: a field claiming 2 GiB in a 10-byte message', () => {
    // field 1 (sample), wire type 2, length 2^31 - 1, then almost nothing
    const claim = Uint8Array.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x07, 1, 2, 3, 4])
    expect(message(() => read('pprof', claim))).toMatch(/^pprof: not a valid profile.proto/)
    // string_table entry claiming 4 GiB
    const string = Uint8Array.from([0x32, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x61])
    expect(message(() => read('pprof', string))).toMatch(/^pprof: not a valid profile.proto/)
  })

  test('marshal: strings, tuples and dicts claiming 2 GiB', () => {
    // s (bytes), u (str), ( (tuple), [ (list), < (frozenset), each claiming 2^31 - 1 items
    for (const op of [0x73, 0x75, 0x28, 0x5b, 0x3c]) {
      const claim = Uint8Array.from([op, 0xff, 0xff, 0xff, 0x7f, 0x4e])
      expect(readChecked(getFormat('pstats'), claim)).toBe('error')
    }
  })
})

describe('callgrind name ids', () => {
  test('ids in the billions are names like any other', () => {
    const [p] = read(
      'callgrind',
      'events: Ir\nfn=(4000000000) main\n1 10\ncfn=(99999999999999999999) work\ncalls=1 1\n1 5\nfn=(99999999999999999999)\n1 5\n',
    )
    expect(dumpGraph(p)).toBe(
      [
        'edge main -> work total=5 calls=1',
        'fn main self=10 total=15',
        'fn work self=5 total=5 calls=1',
      ].join('\n'),
    )
  })

  test('an id referenced but never defined reads as (id), with a note', () => {
    const [p] = read('callgrind', 'events: Ir\nfn=(3000000000)\n1 10\n')
    expect(dumpGraph(p)).toBe('fn (3000000000) self=10 total=10')
    expect(p.meta.notes.join()).toMatch(/never defined/)
  })
})

describe('speedscope frame indices', () => {
  const file = (profile: object) =>
    JSON.stringify({
      $schema: 'https://www.speedscope.app/file-format-schema.json',
      shared: { frames: [{ name: 'main' }, { name: 'work' }] },
      profiles: [profile],
    })
  const sampled = (samples: unknown[]) =>
    file({
      type: 'sampled',
      name: 'p',
      unit: 'none',
      startValue: 0,
      endValue: 1,
      samples,
      weights: samples.map(() => 1),
    })
  const evented = (frame: unknown) =>
    file({
      type: 'evented',
      name: 'p',
      unit: 'none',
      startValue: 0,
      endValue: 2,
      events: [
        { type: 'O', frame, at: 0 },
        { type: 'C', frame, at: 2 },
      ],
    })

  test.each([2, -1, 1.5, 4294967296, 1e308, '0', null])('frame index %p is an error', (index) => {
    expect(message(() => read('speedscope', sampled([[0, index]])))).toMatch(/^speedscope: .*frame/)
    expect(message(() => read('speedscope', evented(index)))).toMatch(/^speedscope: .*frame/)
  })
})

describe('sample counts that would overflow', () => {
  test('folded: a count past 2^53 is kept as the nearest double, one past a double is an error', () => {
    const [p] = read('folded', 'main;work 99999999999999999999\nmain 1\n')
    expect(dumpStacks(p)).toBe('main 1\nmain;work 100000000000000000000')
    expect(readChecked(getFormat('folded'), bytes(`main;work 1${'0'.repeat(400)}\n`))).toBe('error')
  })

  test.each(['callgrind', 'speedscope', 'pstats-json', 'cpuprofile'])(
    '%s: a number past a double is an error, never Infinity',
    (format) => {
      const huge = `1${'0'.repeat(400)}`
      const inputs: Record<string, string> = {
        callgrind: `events: Ir\nfn=main\n1 ${huge}\n`,
        speedscope: `{"$schema":"https://www.speedscope.app/file-format-schema.json","shared":{"frames":[{"name":"a"}]},"profiles":[{"type":"sampled","name":"p","unit":"none","startValue":0,"endValue":1,"samples":[[0]],"weights":[${huge}]}]}`,
        'pstats-json': `{"format":"pstats-json","version":1,"unit":"seconds","functions":[{"file":"a","line":1,"name":"a","cc":1,"nc":1,"tt":${huge},"ct":1,"callers":[]}]}`,
        cpuprofile: `{"nodes":[{"id":1,"callFrame":{"functionName":"a","url":"","lineNumber":0,"columnNumber":0}}],"startTime":0,"endTime":${huge},"samples":[1],"timeDeltas":[${huge}]}`,
      }
      expect(readChecked(getFormat(format), bytes(inputs[format]))).toBe('error')
    },
  )
})

import { ProfileMerger, dumpStacks, type Profile } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { gunzipSync } from 'fflate'
import { PprofFold, readPprof, writePprof } from '../src/index.js'
import { encodeProfile, type DeepPartial, type ProfileMessage } from '../src/proto.js'
import { TINY_STRINGS } from './tiny-strings.js'

const raw = (name: string) => gunzipSync(fixture(`pprof/${name}.pb.gz`))
const written = (p: Profile) => writePprof(p, { gzip: false })

/** `ProfileMerger` over `readPprof` of the files: what the fold must equal. */
function mergedByReading(files: Uint8Array[], positions = true): Profile {
  const merger = new ProfileMerger({ sameKind: true })
  files.forEach((f, i) => merger.add(readPprof(f, { positions }), `f${i}`))
  return merger.result()
}

function folded(files: Uint8Array[], positions = true): { fold: PprofFold; taken: boolean[] } {
  const fold = new PprofFold({ positions })
  return { fold, taken: files.map((f, i) => fold.add(f, `f${i}`)) }
}

/** A hand-made profile of two samples with labels; `extra` overrides fields. */
function tiny(extra: DeepPartial<ProfileMessage> = {}): Uint8Array {
  return encodeProfile({
    sampleType: [{ type: 1, unit: 2 }],
    mapping: [{ id: 1, filename: 7 }],
    function: [
      { id: 1, name: 3, systemName: 3, filename: 6, startLine: 1 },
      { id: 2, name: 4, filename: 6, startLine: 10 },
      { id: 3, systemName: 5, filename: 6, startLine: 20 },
    ],
    location: [
      { id: 1, mappingId: 1, address: 0x1000, line: [{ functionId: 1, line: 5 }] },
      {
        id: 2,
        mappingId: 1,
        address: 0x2000,
        line: [
          { functionId: 3, line: 22 },
          { functionId: 2, line: 12 },
        ],
      },
      { id: 3, mappingId: 1, address: 0x3000 },
    ],
    sample: [
      { locationId: [2, 1], value: [30], label: [{ key: 8, str: 9 }] },
      { locationId: [3, 1], value: [12], label: [{ key: 10, num: 64, numUnit: 11 }] },
      { locationId: [2, 1], value: [5], label: [{ key: 8, str: 9 }] },
    ],
    stringTable: [...TINY_STRINGS],
    durationNanos: 1e9,
    periodType: { type: 1, unit: 2 },
    period: 10_000_000,
    ...extra,
  })
}

describe('PprofFold', () => {
  test.each([
    ['cpu (labels, inlining, three mappings)', ['cpu', 'cpu', 'cpu']],
    ['heap (four sample types)', ['heap', 'heap']],
    ['node heap', ['node-heap', 'node-heap']],
    ['node wall', ['node-wall', 'node-wall', 'node-wall']],
  ])('equals merging the files read: %s, with and without addresses', (_, names) => {
    const files = names.map(raw)
    for (const positions of [true, false]) {
      const { fold, taken } = folded(files, positions)
      expect(taken.every(Boolean)).toBe(true)
      const mine = fold.result()
      const theirs = mergedByReading(files, positions)
      expect(dumpStacks(mine)).toBe(dumpStacks(theirs))
      expect(mine.meta).toEqual(theirs.meta)
      expect(mine.frames.frames).toEqual(theirs.frames.frames)
      expect(written(mine)).toEqual(written(theirs))
    }
  })

  test('files of one program with different stacks, labels, nameless functions and durations', () => {
    const other = tiny({
      sample: [
        { locationId: [1], value: [7] },
        { locationId: [3, 2, 1], value: [9], label: [{ key: 8, str: 3 }] },
      ],
      durationNanos: 2e9,
      timeNanos: 1_700_000_000_000_000_000,
      comment: [4],
    })
    const files = [tiny(), other, tiny(), other]
    const { fold, taken } = folded(files)
    expect(taken).toEqual([true, true, true, true])
    const mine = fold.result()
    expect(written(mine)).toEqual(written(mergedByReading(files)))
    expect(mine.meta.duration).toBe(6e9)
    expect(mine.meta.comments).toEqual(['parse'])
    // The nameless function is named by its first location's address, as the reader names it.
    expect(mine.frames.frames.map((f) => f.name)).toContain('lex')
    expect(mine.frames.frames.map((f) => f.name)).toContain('0x3000')
  })

  test('label sets: numbers of every size and sign, a str naming an empty string, sets shared by files with other string tables', () => {
    const labels = (size: number) => [
      { key: 10, num: size, numUnit: 11 },
      { key: 8, str: 9 },
    ]
    const first = tiny({
      sample: [
        { locationId: [2, 1], value: [1], label: labels(-1) },
        { locationId: [3, 1], value: [2], label: labels(2 ** 40 + 5) },
        { locationId: [1], value: [3], label: labels(-(2 ** 40)) },
        { locationId: [2, 1], value: [4], label: labels(4294967295) },
        // A str index that names an empty string: a str label all the same, as the reader has it.
        { locationId: [3, 1], value: [5], label: [{ key: 8, str: 12 }] },
        { locationId: [3, 1], value: [6], label: [{ key: 10, num: 7 }] },
      ],
      // tiny()'s strings and one more: an empty string at index 12.
      stringTable: [...TINY_STRINGS, ''],
    })
    // The same label sets through another string table (indexes moved by one).
    const second = tiny({
      sample: [
        {
          locationId: [1],
          value: [7],
          label: labels(-1).map((l) => ({
            ...l,
            key: l.key + 1,
            ...(l.str ? { str: 10 } : { numUnit: 12 }),
          })),
        },
        {
          locationId: [2, 1],
          value: [8],
          label: [
            { key: 11, num: 2 ** 40 + 5, numUnit: 12 },
            { key: 9, str: 10 },
          ],
        },
      ],
      // tiny()'s strings with one more at index 8, so the label strings move by one.
      stringTable: [...TINY_STRINGS.slice(0, 8), 'x', ...TINY_STRINGS.slice(8)],
    })
    const files = [first, second, first]
    const { fold, taken } = folded(files)
    expect(taken).toEqual([true, true, true])
    expect(written(fold.result())).toEqual(written(mergedByReading(files)))
  })

  test('takes gzipped files as they are stored', () => {
    const fold = new PprofFold()
    expect(fold.add(fixture('pprof/cpu.pb.gz'), 'a')).toBe(true)
    expect(fold.add(raw('cpu'), 'b')).toBe(true)
    expect(written(fold.result())).toEqual(written(mergedByReading([raw('cpu'), raw('cpu')])))
  })

  test('one file comes back as the reader reads it', () => {
    const { fold } = folded([raw('cpu')])
    expect(fold.result()).toEqual(readPprof(raw('cpu')))
  })

  test('leaves to the reader, adding nothing, what it does not take', () => {
    const good = tiny()
    const cases: [string, Uint8Array][] = [
      ['truncated', good.subarray(0, good.length - 3)],
      ['other sample types', raw('heap')],
      ['drop_frames', tiny({ dropFrames: 4 })],
      ['a value beyond 2^53', tiny({ sample: [{ locationId: [1], value: [2 ** 60] }] })],
      [
        'a sample of a location that does not exist',
        tiny({ sample: [{ locationId: [9], value: [1] }] }),
      ],
      ['a string index outside the table', tiny({ function: [{ id: 1, name: 99 }] })],
      [
        'a sample with two values for one type',
        tiny({ sample: [{ locationId: [1], value: [1, 2] }] }),
      ],
    ]
    for (const [what, bytes] of cases) {
      const fold = new PprofFold()
      expect(fold.add(good, 'good')).toBe(true)
      expect([what, fold.add(bytes, 'bad')]).toEqual([what, false])
      expect(fold.add(good, 'good 2')).toBe(true)
      expect([what, written(fold.result())]).toEqual([what, written(mergedByReading([good, good]))])
    }
  })

  test('refuses, naming both files, periods of different measures', () => {
    const fold = new PprofFold()
    fold.add(tiny(), 'a.pb')
    const samples = tiny({ periodType: { type: 10, unit: 11 }, period: 1 })
    expect(() => fold.add(samples, 'b.pb')).toThrow(
      'cannot merge profiles sampled by different measures: a.pb takes a sample every 10000000 nanoseconds of cpu, b.pb every 1 bytes of size',
    )
  })
})

import { ProfconvError } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { gunzipSync } from 'fflate'
import protobuf from 'protobufjs/light.js'
import { decodeProfileHeader } from '../src/header-decoder.js'
import {
  decodeProfileHeaderWithProtobufjs,
  encodeProfile,
  type DeepPartial,
  type ProfileMessage,
} from '../src/proto.js'

// protobufjs sets defaults on its messages' prototypes: compare every field by name.
const FIELDS = {
  valueType: ['type', 'unit'],
  mapping: [
    'id',
    'memoryStart',
    'memoryLimit',
    'fileOffset',
    'filename',
    'buildId',
    'hasFunctions',
    'hasFilenames',
    'hasLineNumbers',
    'hasInlineFrames',
  ],
  line: ['functionId', 'line', 'column'],
  function: ['id', 'name', 'systemName', 'filename', 'startLine'],
} as const

type Plain = Record<string, unknown>
/** The fields by name; exact bigints (addresses beyond 2^53) as the doubles protobufjs rounds to. */
function pick(m: unknown, fields: readonly string[]): Plain {
  const value = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v)
  return Object.fromEntries(fields.map((f) => [f, value((m as Plain)[f])]))
}

/** A decoded header as plain data, whichever decoder made it. */
function plain(p: ProfileMessage): Plain {
  return {
    sampleType: p.sampleType.map((t) => pick(t, FIELDS.valueType)),
    sample: p.sample,
    mapping: p.mapping.map((m) => pick(m, FIELDS.mapping)),
    location: p.location.map((l) => ({
      ...pick(l, ['id', 'mappingId', 'address', 'isFolded']),
      line: l.line.map((x) => pick(x, FIELDS.line)),
    })),
    function: p.function.map((f) => pick(f, FIELDS.function)),
    stringTable: [...p.stringTable],
    periodType: p.periodType ? pick(p.periodType, FIELDS.valueType) : null,
    comment: [...p.comment],
    ...pick(p, [
      'dropFrames',
      'keepFrames',
      'timeNanos',
      'durationNanos',
      'period',
      'defaultSampleType',
      'docUrl',
    ]),
  }
}

function expectSameAsProtobufjs(bytes: Uint8Array): void {
  expect(plain(decodeProfileHeader(bytes))).toEqual(plain(decodeProfileHeaderWithProtobufjs(bytes)))
}

const full: DeepPartial<ProfileMessage> = {
  sampleType: [
    { type: 1, unit: 2 },
    { type: 3, unit: 4 },
  ],
  sample: [{ locationId: [1, 2], value: [5, -6], label: [{ key: 1, str: 2 }] }],
  mapping: [
    {
      id: 1,
      memoryStart: 2 ** 40,
      memoryLimit: 2 ** 53 + 2 ** 12,
      fileOffset: 7,
      filename: 5,
      buildId: 6,
      hasFunctions: true,
      hasInlineFrames: true,
    },
  ],
  location: [
    {
      id: 1,
      mappingId: 1,
      address: 2 ** 47 + 3,
      line: [
        { functionId: 1, line: 10, column: 3 },
        { functionId: 2, line: -1 },
      ],
      isFolded: true,
    },
    { id: 2 ** 33, address: 0x401000 },
  ],
  function: [
    { id: 1, name: 7, systemName: 8, filename: 9, startLine: 4 },
    { id: 2, name: 10, startLine: -(2 ** 40) },
  ],
  stringTable: [
    '',
    'samples',
    'count',
    'cpu',
    'nanoseconds',
    '/bin/app',
    'abc123',
    'main.main',
    '_main',
    'main.go',
    'naïve 日本 🙂 \u0000',
    '\ufeffbom',
    'x'.repeat(300),
  ],
  dropFrames: 3,
  keepFrames: 4,
  timeNanos: 1_700_000_000_000_000_000,
  durationNanos: 2 ** 31,
  periodType: { type: 3, unit: 4 },
  period: 10_000_000,
  comment: [1, 2, 12],
  defaultSampleType: 1,
  docUrl: 5,
}

describe('decodeProfileHeader agrees with protobufjs', () => {
  test('every field, 64-bit values, UTF-8 and a BOM', () => {
    expectSameAsProtobufjs(encodeProfile(full))
  })

  test('addresses and mapping bounds beyond 2^53 are exact (bigints), below plain numbers', () => {
    const vsyscall = 0xffffffffff600000n
    const bits = (v: bigint) => ({ low: Number(v & 0xffffffffn), high: Number(v >> 32n) })
    const p = decodeProfileHeader(
      encodeProfile({
        mapping: [{ id: 1, memoryStart: vsyscall, memoryLimit: vsyscall + 0x1000n }],
        location: [
          { id: 1, address: vsyscall + 0x123n },
          { id: 2, address: 0x401000 },
        ],
      }),
    )
    expect(p.mapping[0].memoryStart).toBe(vsyscall)
    expect(p.mapping[0].memoryLimit).toBe(vsyscall + 0x1000n)
    expect(p.location.map((l) => l.address)).toEqual([vsyscall + 0x123n, 0x401000])
    expect(bits(p.location[0].address as bigint)).toEqual({ low: 0xff600123, high: 0xffffffff })
  })

  test('an empty message', () => {
    expectSameAsProtobufjs(new Uint8Array(0))
  })

  test.each(['cpu', 'heap', 'node-heap', 'node-wall'])('test-data %s.pb.gz', (name) => {
    expectSameAsProtobufjs(gunzipSync(fixture(`pprof/${name}.pb.gz`)))
  })

  test('unpacked comments, repeated scalars (the last wins), period_type twice (merged), unknown fields', () => {
    const w = protobuf.Writer.create()
    w.uint32((13 << 3) | 0).int64(7) // comment, unpacked
    w.uint32((13 << 3) | 0).int64(-8)
    w.uint32((12 << 3) | 0).int64(1) // period twice
    w.uint32((12 << 3) | 0).int64(2)
    w.uint32((99 << 3) | 2).bytes(new Uint8Array([1, 2])) // unknown: skipped
    w.uint32((20 << 3) | 1).fixed64(3)
    w.uint32((21 << 3) | 5).fixed32(4)
    w.uint32((22 << 3) | 0).uint64(2 ** 60)
    const loc = protobuf.Writer.create()
    loc.uint32((1 << 3) | 0).uint64(5)
    loc.uint32((9 << 3) | 2).bytes(new Uint8Array([0]))
    loc.uint32((4 << 3) | 2).bytes(new Uint8Array([(1 << 3) | 0, 3, (7 << 3) | 0, 1]))
    w.uint32((4 << 3) | 2).bytes(loc.finish())
    w.uint32((11 << 3) | 2).bytes(new Uint8Array([(1 << 3) | 0, 1])) // period_type twice
    w.uint32((11 << 3) | 2).bytes(new Uint8Array([(2 << 3) | 0, 2]))
    expectSameAsProtobufjs(w.finish())
  })
})

describe('decodeProfileHeader errors', () => {
  const bytes = encodeProfile(full)

  test.each([1, 2, 10, bytes.length - 1])(
    'cut after %d bytes: a ProfconvError naming the offset',
    (n) => {
      let error: unknown
      try {
        decodeProfileHeader(bytes.subarray(0, n))
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(ProfconvError)
      expect((error as Error).message).toMatch(/at byte \d+/)
    },
  )

  test('a known field of the wrong wire type', () => {
    // location (4) as a varint
    expect(() => decodeProfileHeader(new Uint8Array([(4 << 3) | 0, 1]))).toThrow(ProfconvError)
    // function { id: fixed32 }
    const f = new Uint8Array([(5 << 3) | 2, 5, (1 << 3) | 5, 1, 0, 0, 0])
    expect(() => decodeProfileHeader(f)).toThrow(/wire type 5/)
  })

  test('a string that is not UTF-8, as protobufjs refuses it', () => {
    const bad = new Uint8Array([(6 << 3) | 2, 4, 0x61, 0xff, 0xc3, 0x62])
    expect(() => decodeProfileHeaderWithProtobufjs(bad)).toThrow()
    expect(() => decodeProfileHeader(bad)).toThrow(
      /^pprof: not a valid profile.proto message \(a string that is not valid UTF-8 at byte 2\)/,
    )
  })

  test('a group is refused', () => {
    expect(() => decodeProfileHeader(new Uint8Array([(30 << 3) | 3]))).toThrow(ProfconvError)
  })
})

import { ProfconvError } from '@profconv/model'
import protobuf from 'protobufjs/light.js'
import { encodeProfile } from '../src/proto.js'
import { SampleDecoder } from '../src/sample-decoder.js'
import { SampleEncoder, encodeLabels, packIds } from '../src/sample-encoder.js'
import { WireReader } from '../src/wire.js'

// protobufjs with Long off, as proto.ts configures it: the reference the hand decoder matches.
const values = [
  0,
  1,
  127,
  128,
  300,
  2 ** 28 - 1,
  2 ** 28,
  2 ** 31,
  2 ** 32 + 5,
  2 ** 53 - 1,
  2 ** 60,
]
const negatives = [-1, -2, -300, -(2 ** 31), -(2 ** 40) - 7]

describe('WireReader varints agree with protobufjs', () => {
  test.each(values)('uint64 %d', (v) => {
    const bytes = protobuf.Writer.create().uint64(v).finish()
    expect(new WireReader(bytes).uint64()).toBe(protobuf.Reader.create(bytes).uint64())
  })

  test.each([...values, ...negatives])('int64 %d', (v) => {
    const bytes = protobuf.Writer.create().int64(v).finish()
    const expected = protobuf.Reader.create(bytes).int64()
    expect(new WireReader(bytes).int64()).toBe(expected)
    expect(expected).toBe(v)
  })

  test('truncated and overlong varints are ProfconvErrors with a position', () => {
    expect(() => new WireReader(new Uint8Array([0x80, 0x80])).uint64()).toThrow(/at byte 2/)
    const overlong = new Uint8Array(11).fill(0x80)
    overlong[10] = 1
    expect(() => new WireReader(overlong).uint64()).toThrow(ProfconvError)
  })
})

describe('SampleDecoder', () => {
  test('packed and unpacked fields, labels, unknown fields', () => {
    // protobufjs writes packed; the second sample is written by hand, unpacked, as Go does.
    const packed = encodeProfile({
      sample: [{ locationId: [3, 2, 1], value: [5, -7], label: [{ key: 1, str: 2 }] }],
    })
    const w = protobuf.Writer.create()
    const sample = protobuf.Writer.create()
    sample.uint32((1 << 3) | 0).uint64(9)
    sample.uint32((1 << 3) | 0).uint64(2 ** 40)
    sample.uint32((2 << 3) | 0).int64(-1)
    sample.uint32((9 << 3) | 2).bytes(new Uint8Array([1, 2, 3])) // unknown field
    sample.uint32((2 << 3) | 0).int64(2 ** 33)
    const body = sample.finish()
    w.uint32((2 << 3) | 2).bytes(body)
    w.uint32((12 << 3) | 0).int64(10) // period: not a sample
    const bytes = new Uint8Array([...packed, ...w.finish()])

    const d = new SampleDecoder(bytes)
    expect(d.next()).toBe(true)
    expect([...d.ids.subarray(0, d.idCount)]).toEqual([3, 2, 1])
    expect([...d.values.subarray(0, d.valueCount)]).toEqual([5, -7])
    expect(d.labels).toEqual([{ key: 1, str: 2, num: 0, numUnit: 0 }])
    expect(d.next()).toBe(true)
    expect([...d.ids.subarray(0, d.idCount)]).toEqual([9, 2 ** 40])
    expect([...d.values.subarray(0, d.valueCount)]).toEqual([-1, 2 ** 33])
    expect(d.labels).toEqual([])
    expect(d.next()).toBe(false)
  })

  test('packed ids of one to ten bytes', () => {
    const ids = [1, 127, 128, 300, 16383, 16384, 70000, 2 ** 21 - 1, 2 ** 21, 2 ** 35, 2 ** 53 - 1]
    const d = new SampleDecoder(encodeProfile({ sample: [{ locationId: ids, value: [1] }] }))
    expect(d.next()).toBe(true)
    expect([...d.ids.subarray(0, d.idCount)]).toEqual(ids)
  })

  test('a packed id running past its field is a ProfconvError', () => {
    // Sample { location_id: packed [0x80 0x80] (2 bytes, unfinished varint), value: 1 }
    const sample = [0x0a, 0x02, 0x80, 0x80, 0x10, 0x01]
    const d = new SampleDecoder(new Uint8Array([0x12, sample.length, ...sample]))
    expect(() => d.next()).toThrow(ProfconvError)
  })

  test('a sample running past the end is a ProfconvError', () => {
    const bytes = encodeProfile({ sample: [{ locationId: [1, 2, 3], value: [1] }] })
    const d = new SampleDecoder(bytes.subarray(0, bytes.length - 2))
    expect(() => d.next()).toThrow(ProfconvError)
  })
})

describe('SampleEncoder', () => {
  test('writes what protobufjs writes for the same samples, and decodes back', () => {
    const samples = [
      { locationId: [3, 2, 1], value: [5, -7], label: [{ key: 1, str: 2 }] },
      { locationId: [9, 2 ** 40], value: [0, 2 ** 33, -(2 ** 40)], label: [] },
      {
        locationId: [],
        value: [1],
        label: [
          { key: 3, num: -4, numUnit: 5 },
          { key: 6, str: 7 },
        ],
      },
    ]
    const encoder = new SampleEncoder()
    for (const s of samples) {
      encoder.add(
        packIds(s.locationId),
        Float64Array.from(s.value),
        s.label.length ? encodeLabels(s.label) : undefined,
      )
    }
    const bytes = encoder.finish()
    expect([...bytes]).toEqual([...encodeProfile({ sample: samples })])
    const d = new SampleDecoder(bytes)
    for (const s of samples) {
      expect(d.next()).toBe(true)
      expect([...d.ids.subarray(0, d.idCount)]).toEqual(s.locationId)
      expect([...d.values.subarray(0, d.valueCount)]).toEqual(s.value)
    }
    expect(d.next()).toBe(false)
  })
})

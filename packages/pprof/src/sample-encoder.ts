import type { LabelMessage } from './proto.js'
import { LENGTH_DELIMITED, VARINT } from './wire.js'

// Field numbers in profile.proto.
const PROFILE_SAMPLE = 2
const SAMPLE_LOCATION_ID = 1
const SAMPLE_VALUE = 2
const SAMPLE_LABEL = 3
const LABEL_FIELDS = ['key', 'str', 'num', 'numUnit'] as const

/**
 * Encodes a Profile's `sample` fields straight into bytes, the counterpart of `SampleDecoder`:
 * protobufjs needs an object and three arrays per sample and queues an operation object per
 * value (writing 1M samples took ~10 s and 700 MB). Each sample is measured, then written; the
 * output is appended to the bytes protobufjs makes of the rest (fields may come in any order).
 * Repeated numbers are written packed; values are int64 (negative ones take 10 bytes).
 */
export class SampleEncoder {
  private readonly out = new ByteWriter()

  /**
   * Appends one sample: its location ids (leaf first) as `packIds` made them, its values, its
   * labels from `encodeLabels`.
   */
  add(ids: Uint8Array, values: Float64Array, labels?: Uint8Array): void {
    let valueBytes = 0
    for (let m = 0; m < values.length; m++) valueBytes += varintSize(values[m])
    const body =
      (ids.length > 0 ? fieldSize(ids.length) : 0) +
      (values.length > 0 ? fieldSize(valueBytes) : 0) +
      (labels?.length ?? 0)
    const out = this.out
    out.reserve(1 + 10 + body)
    out.tag(PROFILE_SAMPLE, LENGTH_DELIMITED)
    out.varint(body)
    if (ids.length > 0) {
      out.tag(SAMPLE_LOCATION_ID, LENGTH_DELIMITED)
      out.varint(ids.length)
      out.bytes(ids)
    }
    if (values.length > 0) {
      out.tag(SAMPLE_VALUE, LENGTH_DELIMITED)
      out.varint(valueBytes)
      for (let m = 0; m < values.length; m++) out.varint(values[m])
    }
    if (labels) out.bytes(labels)
  }

  /** The encoded samples. */
  finish(): Uint8Array {
    return this.out.finish()
  }
}

/**
 * Location ids as the content of a packed field, for `SampleEncoder.add`: samples of one stack
 * share it, so it is made once per stack, not once per sample.
 */
export function packIds(ids: readonly number[]): Uint8Array {
  const out = new ByteWriter(ids.length * 10)
  for (const id of ids) out.varint(id)
  return out.finish().slice()
}

/** A sample's labels as the bytes of its `label` fields (fields left 0 are not written). */
export function encodeLabels(labels: readonly Partial<LabelMessage>[]): Uint8Array {
  const out = new ByteWriter(256)
  for (const label of labels) {
    const fields = LABEL_FIELDS.map((name, i) => [i + 1, label[name] ?? 0]).filter(([, v]) => v)
    const body = fields.reduce((n, [, v]) => n + 1 + varintSize(v), 0)
    out.reserve(11 + body)
    out.tag(SAMPLE_LABEL, LENGTH_DELIMITED)
    out.varint(body)
    for (const [field, value] of fields) {
      out.tag(field, VARINT)
      out.varint(value)
    }
  }
  return out.finish()
}

/** Bytes that grow by doubling; callers `reserve` room before writing. */
class ByteWriter {
  private buf: Uint8Array
  private pos = 0

  constructor(size = 1 << 16) {
    this.buf = new Uint8Array(size)
  }

  reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n))
    bigger.set(this.buf.subarray(0, this.pos))
    this.buf = bigger
  }

  /** A field's tag (fields below 16 fit in one byte). */
  tag(field: number, wireType: number): void {
    this.buf[this.pos++] = (field << 3) | wireType
  }

  bytes(bytes: Uint8Array): void {
    // A loop for the short runs samples copy: TypedArray.set costs more than it moves there.
    if (bytes.length < 64) for (let i = 0; i < bytes.length; i++) this.buf[this.pos + i] = bytes[i]
    else this.buf.set(bytes, this.pos)
    this.pos += bytes.length
  }

  /** An int64 or uint64 (an integer within ±2^63) as a varint, as protobufjs writes it. */
  varint(value: number): void {
    const buf = this.buf
    if (value >= 0 && value < 0x80000000) {
      while (value > 127) {
        buf[this.pos++] = (value & 127) | 128
        value >>>= 7
      }
      buf[this.pos++] = value
      return
    }
    let [lo, hi] = halves(value)
    while (hi) {
      buf[this.pos++] = (lo & 127) | 128
      lo = ((lo >>> 7) | (hi << 25)) >>> 0
      hi >>>= 7
    }
    while (lo > 127) {
      buf[this.pos++] = (lo & 127) | 128
      lo >>>= 7
    }
    buf[this.pos++] = lo
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos)
  }
}

/** Bytes of a length-delimited field (one-byte tag) with `length` bytes of content. */
function fieldSize(length: number): number {
  return 1 + varintSize(length) + length
}

/** How many bytes `ByteWriter.varint` writes for `value`. */
function varintSize(value: number): number {
  if (value >= 0 && value < 0x80000000) {
    return value < 1 << 7 ? 1 : value < 1 << 14 ? 2 : value < 1 << 21 ? 3 : value < 1 << 28 ? 4 : 5
  }
  let [lo, hi] = halves(value)
  let size = 1
  for (; hi; size++) {
    lo = ((lo >>> 7) | (hi << 25)) >>> 0
    hi >>>= 7
  }
  for (; lo > 127; size++) lo >>>= 7
  return size
}

/**
 * The low and high 32 bits of an integer within ±2^63, two's complement (protobufjs's
 * LongBits.fromNumber; NaN and infinities give 0, as there).
 */
function halves(value: number): [number, number] {
  if (!Number.isFinite(value)) return [0, 0]
  const negative = value < 0
  if (negative) value = -value
  let lo = value >>> 0
  let hi = ((value - lo) / 4294967296) >>> 0
  if (negative) {
    hi = ~hi >>> 0
    lo = ~lo >>> 0
    if (++lo > 4294967295) {
      lo = 0
      if (++hi > 4294967295) hi = 0
    }
  }
  return [lo, hi]
}

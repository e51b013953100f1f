import type { LabelMessage } from './proto.js'
import { LENGTH_DELIMITED, VARINT, WireReader, grown } from './wire.js'

// Field numbers in profile.proto.
const PROFILE_SAMPLE = 2
const SAMPLE_LOCATION_ID = 1
const SAMPLE_VALUE = 2
const SAMPLE_LABEL = 3
const LABEL_KEY = 1
const LABEL_STR = 2
const LABEL_NUM = 3
const LABEL_NUM_UNIT = 4

/** Numbers per label in `SampleDecoder.labelFields`: key, str, num, num_unit. */
export const LABEL_FIELDS = 4

/**
 * Walks the `Sample` messages of an encoded `Profile`, one at a time, into buffers reused from
 * sample to sample: no object per sample. protobufjs decodes everything else (proto.ts leaves
 * samples out of its type); decoding 1M samples it spent ~1.3 s and most of the reader's
 * garbage collection on the arrays it made for each. Repeated fields may come packed or not.
 *
 *     const samples = new SampleDecoder(bytes)
 *     while (samples.next()) use(samples.ids, samples.idCount, samples.values, ...)
 */
export class SampleDecoder {
  /** Location ids of the current sample, leaf first (numbers: ids may pass 2^32). */
  ids: Float64Array = new Float64Array(64)
  idCount = 0
  /** Values of the current sample; `valueCount` may differ from the profile's sample types. */
  values: Float64Array = new Float64Array(8)
  valueCount = 0
  /**
   * Labels of the current sample, {@link LABEL_FIELDS} numbers each (key, str, num, num_unit):
   * `labelCount` of them. No object per label: a fleet's profiles label every sample.
   */
  labelFields: Float64Array = new Float64Array(4 * LABEL_FIELDS)
  labelCount = 0
  private readonly profile: WireReader
  private readonly sample: WireReader

  constructor(bytes: Uint8Array) {
    this.profile = new WireReader(bytes)
    this.sample = new WireReader(bytes)
  }

  /** Moves to the next sample; false once there are no more. */
  next(): boolean {
    const r = this.profile
    while (r.pos < r.end) {
      const tag = r.tag()
      if (tag !== ((PROFILE_SAMPLE << 3) | LENGTH_DELIMITED)) {
        r.skip(tag & 7)
        continue
      }
      const length = r.length()
      this.decode(r.pos, r.pos + length)
      r.pos += length
      return true
    }
    return false
  }

  private decode(start: number, end: number): void {
    const r = this.sample
    r.pos = start
    r.end = end
    this.idCount = 0
    this.valueCount = 0
    this.labelCount = 0
    while (r.pos < end) {
      const tag = r.tag()
      const field = tag >>> 3
      const wireType = tag & 7
      if (field === SAMPLE_LOCATION_ID && (wireType === VARINT || wireType === LENGTH_DELIMITED)) {
        this.repeated(wireType, false)
      } else if (field === SAMPLE_VALUE && (wireType === VARINT || wireType === LENGTH_DELIMITED)) {
        this.repeated(wireType, true)
      } else if (field === SAMPLE_LABEL && wireType === LENGTH_DELIMITED) {
        const length = r.length()
        this.label(r.pos + length)
      } else if (field <= SAMPLE_LABEL) {
        throw r.error(`sample field ${field} has wire type ${wireType}`)
      } else {
        r.skip(wireType)
      }
    }
  }

  /** One value or a packed run of them: location ids (unsigned) or values (signed). */
  private repeated(wireType: number, signed: boolean): void {
    const r = this.sample
    if (wireType === LENGTH_DELIMITED && !signed) {
      this.packedIds(r.length() + r.pos)
      return
    }
    const end = wireType === LENGTH_DELIMITED ? r.length() + r.pos : -1
    do {
      const value = signed ? r.int64() : r.uint64()
      if (signed) this.pushValue(value)
      else this.pushId(value)
    } while (r.pos < end)
  }

  /**
   * A packed run of location ids, the bulk of a profile's bytes: ids below 2^21 (three bytes)
   * are read in this loop, longer ones by the reader.
   */
  private packedIds(end: number): void {
    const r = this.sample
    const bytes = r.bytes
    // Room for every id the run can hold (one byte at least each).
    while (this.ids.length < this.idCount + (end - r.pos)) this.ids = grown(this.ids)
    const ids = this.ids
    let count = this.idCount
    let pos = r.pos
    while (pos < end) {
      const b0 = bytes[pos]
      if (b0 < 0x80) {
        ids[count++] = b0
        pos += 1
        continue
      }
      const b1 = pos + 1 < end ? bytes[pos + 1] : 0x80
      if (b1 < 0x80) {
        ids[count++] = (b0 & 0x7f) | (b1 << 7)
        pos += 2
        continue
      }
      const b2 = pos + 2 < end ? bytes[pos + 2] : 0x80
      if (b2 < 0x80) {
        ids[count++] = (b0 & 0x7f) | ((b1 & 0x7f) << 7) | (b2 << 14)
        pos += 3
        continue
      }
      r.pos = pos
      ids[count++] = r.uint64()
      pos = r.pos
    }
    if (pos > end) throw r.error('a varint runs past the end of its packed field')
    r.pos = pos
    this.idCount = count
  }

  private pushId(id: number): void {
    // Each id takes at least one byte of input, so the buffer stays within the input's size.
    if (this.idCount === this.ids.length) this.ids = grown(this.ids)
    this.ids[this.idCount++] = id
  }

  private pushValue(value: number): void {
    if (this.valueCount === this.values.length) this.values = grown(this.values)
    this.values[this.valueCount++] = value
  }

  /** The current sample's labels as messages (a fresh array: read only when `labelCount > 0`). */
  get labels(): LabelMessage[] {
    const labels: LabelMessage[] = []
    const f = this.labelFields
    for (let at = 0; at < this.labelCount * LABEL_FIELDS; at += LABEL_FIELDS)
      labels.push({ key: f[at], str: f[at + 1], num: f[at + 2], numUnit: f[at + 3] })
    return labels
  }

  private label(end: number): void {
    const r = this.sample
    const outer = r.end
    r.end = end
    if ((this.labelCount + 1) * LABEL_FIELDS > this.labelFields.length)
      this.labelFields = grown(this.labelFields)
    const f = this.labelFields
    const at = this.labelCount++ * LABEL_FIELDS
    f[at] = f[at + 1] = f[at + 2] = f[at + 3] = 0
    while (r.pos < end) {
      const tag = r.tag()
      const field = tag >>> 3
      if ((tag & 7) !== VARINT || field > LABEL_NUM_UNIT) {
        if (field <= LABEL_NUM_UNIT) throw r.error(`label field ${field} has wire type ${tag & 7}`)
        r.skip(tag & 7)
        continue
      }
      const value = r.int64()
      if (field === LABEL_KEY) f[at] = value
      else if (field === LABEL_STR) f[at + 1] = value
      else if (field === LABEL_NUM) f[at + 2] = value
      else f[at + 3] = value
    }
    r.end = outer
  }
}

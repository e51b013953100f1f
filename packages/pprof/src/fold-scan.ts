import { decodeMapping, decodeValueType } from './header-decoder.js'
import { isExact, type MappingMessage, type Uint64, type ValueTypeMessage } from './proto.js'
import { LABEL_FIELDS, SampleDecoder } from './sample-decoder.js'
import type { StringPool } from './string-pool.js'
import { LENGTH_DELIMITED, VARINT, WireReader, grown, within } from './wire.js'

/** Integers per label in `ProfileScan.labels`. */
export const LABEL_INTS = 5

/**
 * One pprof file decoded for a fold (fold.ts) into columns reused from file to file: no object
 * per location, function or sample. `scan` checks everything the reader checks (and refuses a
 * little more: ids or values beyond 2^53, `drop_frames`) before the fold merges anything, so a
 * file the fold cannot take leaves the merge as it was and goes to the reader, whose error
 * names the problem.
 */
export class ProfileScan {
  /** Pool id of each string of the file's table. */
  sids: Int32Array = new Int32Array(256)
  stringCount = 0
  /** Sample types: pool ids of type and unit, two per type. */
  readonly sampleTypes: number[] = []
  readonly mappings: MappingMessage[] = []
  /** Functions: pool ids of name, system name, file name; start line. */
  fnName: Int32Array = new Int32Array(64)
  fnSystem: Int32Array = new Int32Array(64)
  fnFile: Int32Array = new Int32Array(64)
  fnStart: Float64Array = new Float64Array(64)
  private fnIds: Float64Array = new Float64Array(64)
  fnCount = 0
  /** Locations: mapping index + 1 (0 none), address, their lines at `locLines[i]..locLines[i+1]`. */
  locMapping: Int32Array = new Int32Array(64)
  readonly locAddress: Uint64[] = []
  locLines: Int32Array = new Int32Array(65)
  private locIds: Float64Array = new Float64Array(64)
  private locMappingIds: Float64Array = new Float64Array(64)
  locCount = 0
  /** Lines: function index (after `resolve`; the id before), line number. */
  lineFn: Float64Array = new Float64Array(64)
  lineNo: Float64Array = new Float64Array(64)
  lineCount = 0
  /** Samples: location indexes (leaf first) at `sampleLocs[sampleAt[i]..sampleAt[i+1])`. */
  sampleAt: Int32Array = new Int32Array(65)
  sampleLocs: Int32Array = new Int32Array(1024)
  /** `metricCount` values per sample. */
  values: Float64Array = new Float64Array(64)
  /**
   * Labels: sample `i`'s at `labels[labelAt[i] * LABEL_INTS..labelAt[i + 1] * LABEL_INTS)`,
   * {@link LABEL_INTS} integers each: the pool ids of key, str (+ 1; 0 for a str index of 0) and
   * num_unit (-1 when str is set and num_unit is no string), and num as low and high 32 bits.
   * Integers, as they are in every file: a fleet's files share label sets by them, and reading
   * them costs no heap number before V8 has optimised the fold (Float64Array reads do).
   */
  labelAt: Int32Array = new Int32Array(65)
  labels: Int32Array = new Int32Array(64 * LABEL_INTS)
  sampleCount = 0
  comments: number[] = []
  dropFrames = 0
  keepFrames = 0
  timeNanos = 0
  durationNanos = 0
  periodType: { type: number; unit: number } | null = null
  period = 0
  defaultSampleType = 0
  docUrl = 0
  /**
   * Ids to indexes, made anew for each use rather than cleared: clearing (or growing) a Map that
   * has lived long enough to be in V8's old generation allocates its new table there, garbage
   * that only a full collection frees (a 30,000-file merge grew the heap by ~40 MB that way).
   */
  private byId = new Map<number, number>()
  private denseIds: Int32Array | undefined
  private dense: Int32Array | undefined

  constructor(private readonly pool: StringPool) {}

  /**
   * Decodes `bytes` (a whole, gunzipped profile.proto); false when the fold must leave the file
   * to the reader: malformed, or something the fold does not do.
   */
  scan(bytes: Uint8Array, metricCount?: number): boolean {
    try {
      return this.header(bytes) && this.resolve() && this.samples(bytes, metricCount)
    } catch {
      return false // the reader names what is wrong
    }
  }

  /** The pool id of string `index` of the file's table; -1 when there is no such string. */
  sid(index: number): number {
    return index >= 0 && index < this.stringCount && Number.isInteger(index) ? this.sids[index] : -1
  }

  private header(bytes: Uint8Array): boolean {
    this.stringCount = this.fnCount = this.locCount = this.lineCount = 0
    this.sampleTypes.length = this.mappings.length = this.locAddress.length = 0
    this.comments = []
    this.dropFrames = this.keepFrames = this.timeNanos = this.durationNanos = 0
    this.period = this.defaultSampleType = this.docUrl = 0
    this.periodType = null
    const r = new WireReader(bytes)
    while (r.pos < r.end) {
      const tag = r.tag()
      const field = tag >>> 3
      const wireType = tag & 7
      if (field <= 6 && field >= 1 && wireType !== LENGTH_DELIMITED) return false
      if (field === 2) r.skip(wireType)
      else if (field === 6) {
        const length = r.length()
        const sid = this.pool.intern(bytes, r.pos, r.pos + length)
        if (sid < 0) return false
        if (this.stringCount === this.sids.length) this.sids = grown(this.sids)
        this.sids[this.stringCount++] = sid
        r.pos += length
      } else if (field === 4) {
        if (!this.location(r)) return false
      } else if (field === 5) {
        if (!this.fn(r)) return false
      } else if (field === 3) {
        this.mappings.push(within(r, decodeMapping))
      } else if (field === 1) {
        const t = within(r, (r) => decodeValueType(r))
        this.sampleTypes.push(t.type, t.unit)
      } else if (field === 11) {
        const into: ValueTypeMessage = this.periodType ?? { type: 0, unit: 0 }
        this.periodType = within(r, (r): ValueTypeMessage => decodeValueType(r, into))
      } else if (field >= 7 && field <= 15) {
        if (field === 13 && wireType === LENGTH_DELIMITED) {
          const end = r.length() + r.pos
          while (r.pos < end) this.comments.push(r.int64())
          if (r.pos !== end) return false
          continue
        }
        if (wireType !== VARINT) return false
        const value = r.int64()
        if (field === 7) this.dropFrames = value
        else if (field === 8) this.keepFrames = value
        else if (field === 9) this.timeNanos = value
        else if (field === 10) this.durationNanos = value
        else if (field === 12) this.period = value
        else if (field === 13) this.comments.push(value)
        else if (field === 14) this.defaultSampleType = value
        else this.docUrl = value
      } else r.skip(wireType)
    }
    // What the reader refuses, or does the fold does not (pruning by drop_frames).
    return (
      this.stringCount > 0 &&
      this.sids[0] === 0 &&
      this.sampleTypes.length > 0 &&
      this.dropFrames === 0 &&
      isExact(this.durationNanos) &&
      isExact(this.period)
    )
  }

  private location(r: WireReader): boolean {
    const length = r.length()
    const outer = r.end
    r.end = r.pos + length
    const i = this.locCount
    if (i + 1 === this.locMapping.length) {
      this.locMapping = grown(this.locMapping)
      this.locIds = grown(this.locIds)
      this.locMappingIds = grown(this.locMappingIds)
      this.locLines = grown(this.locLines)
    }
    let id = 0
    let mapping = 0
    let address: Uint64 = 0
    this.locLines[i] = this.lineCount
    while (r.pos < r.end) {
      const tag = r.tag()
      const field = tag >>> 3
      const wireType = tag & 7
      if (field === 4) {
        if (wireType !== LENGTH_DELIMITED) return false
        if (!this.line(r)) return false
      } else if (field >= 1 && field <= 5) {
        if (wireType !== VARINT) return false
        if (field === 1) id = r.uint64()
        else if (field === 2) mapping = r.uint64()
        else if (field === 3) address = r.uint64Exact()
        else r.uint64()
      } else r.skip(wireType)
    }
    r.end = outer
    this.locIds[i] = id
    this.locMappingIds[i] = mapping
    this.locAddress.push(address)
    this.locLines[i + 1] = this.lineCount
    this.locCount++
    return isExact(id) && isExact(mapping)
  }

  private line(r: WireReader): boolean {
    const length = r.length()
    const end = r.pos + length
    const outer = r.end
    r.end = end
    if (this.lineCount === this.lineFn.length) {
      this.lineFn = grown(this.lineFn)
      this.lineNo = grown(this.lineNo)
    }
    let fn = 0
    let line = 0
    while (r.pos < end) {
      const tag = r.tag()
      const field = tag >>> 3
      if (field >= 1 && field <= 3) {
        if ((tag & 7) !== VARINT) return false
        if (field === 1) fn = r.uint64()
        else if (field === 2) line = r.int64()
        else r.int64()
      } else r.skip(tag & 7)
    }
    r.end = outer
    this.lineFn[this.lineCount] = fn
    this.lineNo[this.lineCount++] = line
    return isExact(fn)
  }

  private fn(r: WireReader): boolean {
    const length = r.length()
    const end = r.pos + length
    const outer = r.end
    r.end = end
    const i = this.fnCount
    if (i === this.fnIds.length) {
      this.fnIds = grown(this.fnIds)
      this.fnName = grown(this.fnName)
      this.fnSystem = grown(this.fnSystem)
      this.fnFile = grown(this.fnFile)
      this.fnStart = grown(this.fnStart)
    }
    let id = 0
    let name = 0
    let system = 0
    let file = 0
    let start = 0
    while (r.pos < end) {
      const tag = r.tag()
      const field = tag >>> 3
      if (field >= 1 && field <= 5) {
        if ((tag & 7) !== VARINT) return false
        if (field === 1) id = r.uint64()
        else if (field === 2) name = r.int64()
        else if (field === 3) system = r.int64()
        else if (field === 4) file = r.int64()
        else start = r.int64()
      } else r.skip(tag & 7)
    }
    r.end = outer
    this.fnIds[i] = id
    // String indexes for now: pool ids once the string table is read (resolve).
    this.fnName[i] = name === (name | 0) ? name : -1
    this.fnSystem[i] = system === (system | 0) ? system : -1
    this.fnFile[i] = file === (file | 0) ? file : -1
    this.fnStart[i] = start
    this.fnCount++
    return isExact(id) && isExact(start)
  }

  /** Ids to indexes and string indexes to pool ids; false for a reference to nothing. */
  private resolve(): boolean {
    // The reader keeps the last function of an id; one id twice is left to it.
    if (!this.index(this.fnIds, this.fnCount)) return false
    for (let i = 0; i < this.fnCount; i++) {
      const name = this.sid(this.fnName[i])
      const system = this.sid(this.fnSystem[i])
      const file = this.sid(this.fnFile[i])
      if (name < 0 || system < 0 || file < 0) return false
      this.fnName[i] = name
      this.fnSystem[i] = system
      this.fnFile[i] = file
    }
    for (let k = 0; k < this.lineCount; k++) {
      const at = this.indexOf(this.lineFn[k])
      if (at < 0) return false
      this.lineFn[k] = at
    }
    const byId = (this.byId = new Map<number, number>())
    for (let m = 0; m < this.mappings.length; m++) {
      const { id, filename, buildId } = this.mappings[m]
      if (!isExact(id) || byId.has(id) || this.sid(filename) < 0 || this.sid(buildId) < 0)
        return false
      byId.set(id, m + 1)
    }
    for (let i = 0; i < this.locCount; i++) {
      const id = this.locMappingIds[i]
      const at = byId.get(id)
      // Mapping 0 is none, unless a mapping has id 0.
      if (at === undefined && id !== 0) return false
      this.locMapping[i] = at ?? 0
    }
    const types = this.sampleTypes
    for (let t = 0; t < types.length; t++) if ((types[t] = this.sid(types[t])) < 0) return false
    for (const c of this.comments) if (this.sid(c) < 0) return false
    if (
      this.periodType &&
      (this.sid(this.periodType.type) < 0 || this.sid(this.periodType.unit) < 0)
    )
      return false
    return this.sid(this.defaultSampleType) >= 0 && this.sid(this.docUrl) >= 0
  }

  /**
   * Ids to indexes for `indexOf`, through `dense` (the ids of every real profile are 1…n) or, for
   * ids far beyond their number, the map; false for an id used twice.
   */
  private index(ids: Float64Array, n: number): boolean {
    let max = 0
    for (let i = 0; i < n; i++) max = Math.max(max, ids[i])
    this.byId = new Map<number, number>()
    if (max > 4 * n + 1024) {
      this.dense = undefined
      for (let i = 0; i < n; i++) {
        if (this.byId.has(ids[i])) return false
        this.byId.set(ids[i], i)
      }
      return true
    }
    if (!this.denseIds || this.denseIds.length <= max) this.denseIds = new Int32Array(2 * max + 2)
    const dense = this.denseIds.subarray(0, max + 1).fill(-1)
    for (let i = 0; i < n; i++) {
      const id = ids[i]
      if (dense[id] >= 0) return false
      dense[id] = i
    }
    this.dense = dense
    return true
  }

  /** The index of id `id` (see `index`); -1 for none. */
  private indexOf(id: number): number {
    const dense = this.dense
    return dense ? (id < dense.length ? dense[id] : -1) : (this.byId.get(id) ?? -1)
  }

  private samples(bytes: Uint8Array, metricCount = this.sampleTypes.length / 2): boolean {
    if (metricCount !== this.sampleTypes.length / 2 || !this.index(this.locIds, this.locCount))
      return false
    const dense = this.dense
    const byId = this.byId
    const decoder = new SampleDecoder(bytes)
    let n = 0
    let at = 0
    let labelAt = 0
    while (decoder.next()) {
      if (decoder.valueCount !== metricCount) return false
      if (n + 1 >= this.sampleAt.length) {
        this.sampleAt = grown(this.sampleAt)
        this.labelAt = grown(this.labelAt)
      }
      while ((n + 1) * metricCount > this.values.length) this.values = grown(this.values)
      for (let m = 0; m < metricCount; m++) {
        const v = decoder.values[m]
        if (!isExact(v)) return false
        this.values[n * metricCount + m] = v
      }
      const count = decoder.idCount
      while (at + count > this.sampleLocs.length) this.sampleLocs = grown(this.sampleLocs)
      const ids = decoder.ids
      for (let k = 0; k < count; k++) {
        const id = ids[k]
        const loc = dense ? (id < dense.length ? dense[id] : -1) : (byId.get(id) ?? -1)
        if (loc < 0) return false
        this.sampleLocs[at + k] = loc
      }
      this.sampleAt[n] = at
      at += count
      this.labelAt[n] = labelAt
      const labelCount = decoder.labelCount
      while ((labelAt + labelCount) * LABEL_INTS > this.labels.length)
        this.labels = grown(this.labels)
      const f = decoder.labelFields
      for (let l = 0; l < labelCount; l++) {
        const key = f[l * LABEL_FIELDS]
        const str = f[l * LABEL_FIELDS + 1]
        const num = f[l * LABEL_FIELDS + 2]
        const unit = f[l * LABEL_FIELDS + 3]
        if (this.sid(key) < 0 || !isExact(num)) return false
        if (str ? this.sid(str) < 0 : this.sid(unit) < 0) return false
        const at = (labelAt + l) * LABEL_INTS
        this.labels[at] = this.sid(key)
        this.labels[at + 1] = str ? this.sid(str) + 1 : 0
        const high = Math.floor(num / 4294967296)
        this.labels[at + 2] = num - high * 4294967296
        this.labels[at + 3] = high
        this.labels[at + 4] = this.sid(unit)
      }
      labelAt += labelCount
      n++
    }
    this.sampleAt[n] = at
    this.labelAt[n] = labelAt
    this.sampleCount = n
    return true
  }
}

import {
  FrameTable,
  MetaSums,
  SampleSums,
  addressHi,
  addressLo,
  isGzip,
  maybeGunzip,
  newMeta,
  type Frame,
  type Label,
  type Metric,
  type Profile,
  type ProfileMeta,
} from '@profconv/model'
import { LABEL_INTS, ProfileScan } from './fold-scan.js'
import type { MappingMessage, Uint64 } from './proto.js'
import { modelMapping, newStack, readPprof, type PprofReadOptions } from './read.js'
import { HASH_SEED, StackMemo, hashFinish, hashStep, stackHash } from './stack-memo.js'
import { StringPool } from './string-pool.js'
import { modelUnit } from './units.js'
import { grown } from './wire.js'

/**
 * Merges pprof files as they come, straight from their bytes into one result: the merge of a
 * fleet's profiles, thousands of files of one program. Strings, frames, locations and stacks are
 * interned into the result from the wire (a file's columns are reused for the next), so a file
 * costs its decoding and a hash probe per string, location and sample, and memory is the result.
 *
 * The result equals `ProfileMerger` over `readPprof` of the same files, in the same order (ids
 * by first appearance, the same sums): a fold can stand for a run of consecutive inputs of a
 * merge. `add` leaves to that general path what the fold does not do (a file that is malformed,
 * prunes by `drop_frames`, has values beyond 2^53 or other sample types than the first), and
 * then merges nothing of it.
 *
 * @example
 * ```ts
 * const fold = new PprofFold()
 * for (const bytes of files) if (!fold.add(bytes, name)) ... // read it with readPprof instead
 * const merged = fold.result()
 * ```
 */
export class PprofFold {
  private readonly pool = new StringPool()
  private readonly scan = new ProfileScan(this.pool)
  private readonly frames = new FrameTable()
  /** Frame by its identity in pool ids (see `frame`). */
  private readonly frameIds = new StackMemo()
  private readonly locations = new LocationSet()
  /** Mappings the result has, by file, build id and addresses. */
  private readonly mappingIds = new StackMemo()
  /** Stack tree node by its locations' ids, leaf first. */
  private readonly stacks = new StackMemo()
  private sums: SampleSums | undefined
  private meta: MetaSums | undefined
  private metrics: Metric[] = []
  private metricMap = new Int32Array(0)
  private defaultMetric = 0
  private first: Uint8Array | undefined
  private added = 0
  // A file's scratch, reused.
  private locationIds = new Int32Array(64)
  // Made anew per file, not cleared (see ProfileScan's `byId`).
  private fileFrames = new Map<number, number>()
  /** Label set ids by their labels (as `ProfileScan.labels` has them). */
  private readonly labelSets = new StackMemo()
  /** The label set of the file's last sample that had labels (in `ProfileScan.labels`). */
  private lastLabels = { from: 0, to: 0, id: 0 }
  private stack = new Int32Array(64)
  private hashes = new Int32Array(64)
  private readonly key = new Int32Array(8)

  constructor(private readonly options: PprofReadOptions = {}) {}

  /** How many files were added. */
  get count(): number {
    return this.added
  }

  /**
   * Adds the profile in `bytes` (profile.proto, gzipped or not); `source` names it in merge
   * errors. False when the fold leaves the file to `readPprof` and a general merge (nothing of
   * it is added): a malformed file, `drop_frames`, values beyond 2^53, sample types other than
   * the first file's.
   *
   * @throws ProfconvError when its sampling period is of another measure than the first's.
   */
  add(bytes: Uint8Array, source: string): boolean {
    if (isGzip(bytes)) {
      try {
        bytes = maybeGunzip(bytes, 'pprof', this.options.maxInputSize)
      } catch {
        return false // the reader names what is wrong
      }
    }
    const scan = this.scan
    if (!scan.scan(bytes, this.sums ? this.metrics.length : undefined)) return false
    if (this.sums && !this.sameTypes()) return false
    this.added++
    const meta = this.fileMeta()
    if (!this.sums) this.start(bytes.slice(), meta)
    else this.first = undefined
    this.foldLocations()
    this.foldSamples()
    this.meta!.add(meta, this.metricMap, source)
    return true
  }

  /** The merged profile: the one file as `readPprof` reads it, or the merge of them all. */
  result(): Profile {
    if (this.first) return readPprof(this.first, this.options)
    return {
      metrics: this.metrics.map((m) => ({ ...m })),
      defaultMetric: this.defaultMetric,
      frames: this.frames,
      samples: this.sums!.result(),
      meta: this.meta!.result(this.metrics.length),
    }
  }

  /** The first file: its sample types are the result's metrics. */
  private start(bytes: Uint8Array, meta: ProfileMeta): void {
    const scan = this.scan
    const types = scan.sampleTypes
    for (let t = 0; t < types.length; t += 2)
      this.metrics.push({ name: this.str(types[t]), unit: modelUnit(this.str(types[t + 1])) })
    const defaultName = this.str(scan.sid(scan.defaultSampleType))
    const named = defaultName ? this.metrics.findIndex((m) => m.name === defaultName) : -1
    this.defaultMetric = named >= 0 ? named : Math.max(0, this.metrics.length - 1)
    this.metricMap = Int32Array.from(this.metrics, (_, m) => m)
    this.sums = new SampleSums(this.metrics.length)
    this.meta = new MetaSums(meta)
    this.first = bytes
  }

  private sameTypes(): boolean {
    const types = this.scan.sampleTypes
    for (let m = 0; m < this.metrics.length; m++) {
      const name = this.str(types[2 * m])
      const unit = modelUnit(this.str(types[2 * m + 1]))
      if (name !== this.metrics[m].name || unit !== this.metrics[m].unit) return false
    }
    return true
  }

  /**
   * Every location of the file in file order, its frames interned as the reader interns them
   * (so frames are numbered as a merge of read profiles numbers them), to its id in the result.
   */
  private foldLocations(): void {
    const scan = this.scan
    const addresses = this.options.positions !== false
    if (this.locationIds.length < scan.locCount) this.locationIds = new Int32Array(scan.locCount)
    this.fileFrames = new Map()
    const locations = this.locations
    for (let i = 0; i < scan.locCount; i++) {
      const mapping = scan.locMapping[i]
      const module = mapping === 0 ? 0 : scan.sid(scan.mappings[mapping - 1].filename)
      const address = scan.locAddress[i]
      const first = scan.locLines[i]
      const last = scan.locLines[i + 1] - 1
      locations.begin(addresses ? address : 0)
      if (last < first) {
        // Unsymbolized: pprof shows the address.
        const name = `0x${address.toString(16)}`
        locations.push(this.frames.intern({ name, module: this.str(module) || undefined }), 0)
      }
      for (let k = last; k >= first; k--) {
        const fn = scan.lineFn[k]
        const inlined = k < last ? 1 : 0
        // The reader's frame per mapping, inlined-ness and function of a file.
        const key = (mapping * 2 + inlined) * scan.fnCount + fn
        let frame = this.fileFrames.get(key)
        if (frame === undefined) {
          frame = this.frame(fn, inlined, module, address)
          this.fileFrames.set(key, frame)
        }
        const line = scan.lineNo[k]
        locations.push(frame, line > 0 && line <= 0x7fffffff ? line : 0)
      }
      this.locationIds[i] = locations.end()
    }
  }

  /** The frame of function `fn` of the file. */
  private frame(fn: number, inlined: number, module: number, address: Uint64): number {
    const scan = this.scan
    const name = scan.fnName[fn]
    const system = scan.fnSystem[fn]
    const file = scan.fnFile[fn]
    const line = scan.fnStart[fn]
    // A nameless function is named by an address: interned by its whole identity.
    if ((name === 0 && system === 0) || line !== (line | 0))
      return this.frames.intern(this.newFrame(fn, inlined, module, address))
    const key = this.key
    key[0] = name
    key[1] = system
    key[2] = file
    key[3] = line
    key[4] = module
    key[5] = inlined
    const hash = stackHash(key, 0, 6)
    let id = this.frameIds.get(key, 0, 6, hash)
    if (id === undefined) {
      id = this.frames.intern(this.newFrame(fn, inlined, module, address))
      this.frameIds.set(key, 0, 6, hash, id)
    }
    return id
  }

  /** The frame of function `fn` of the file as the reader makes it. */
  private newFrame(fn: number, inlined: number, module: number, address: Uint64): Frame {
    const scan = this.scan
    const line = scan.fnStart[fn]
    return {
      name: this.str(scan.fnName[fn]) || this.str(scan.fnSystem[fn]) || `0x${address.toString(16)}`,
      systemName: this.str(scan.fnSystem[fn]),
      file: this.str(scan.fnFile[fn]),
      line: line ? line : undefined,
      module: this.str(module) || undefined,
      inlined: inlined === 1,
    }
  }

  /** Every sample, its stack found (or made) in the result's tree as the reader walks it. */
  private foldSamples(): void {
    const scan = this.scan
    const sums = this.sums!
    const M = this.metrics.length
    const { sampleAt, sampleLocs, values, labelAt } = scan
    this.lastLabels.from = this.lastLabels.to = 0
    for (let s = 0; s < scan.sampleCount; s++) {
      const from = sampleAt[s]
      const n = sampleAt[s + 1] - from
      if (n > this.stack.length) {
        this.stack = new Int32Array(n * 2)
        this.hashes = new Int32Array(n * 2)
      }
      const { stack, hashes } = this
      let hash = HASH_SEED
      for (let k = n - 1; k >= 0; k--) {
        const at = this.locationIds[sampleLocs[from + k]]
        stack[k] = at
        hash = hashStep(hash, at)
        hashes[k] = hash
      }
      let node = -1
      if (n > 0) {
        const key = hashFinish(hashes[0], n)
        const known = this.stacks.get(stack, 0, n, key)
        if (known !== undefined) node = known
        else {
          node = newStack(sums.tree, this.locations, this.stacks, stack, hashes, 0, n)
          this.stacks.set(stack, 0, n, key, node)
        }
      }
      const set = labelAt[s + 1] > labelAt[s] ? this.labelSet(s) : 0
      sums.addSample(node, set, values, s * M)
    }
  }

  /**
   * The result's id of sample `s`'s label set (built as the reader builds it), found by the pool
   * ids and numbers of its labels: the same in every file that has it.
   */
  private labelSet(s: number): number {
    const scan = this.scan
    const labels = scan.labels
    const from = scan.labelAt[s] * LABEL_INTS
    const to = scan.labelAt[s + 1] * LABEL_INTS
    // Most often the previous sample's (a fleet's profiles label whole runs of samples alike).
    const last = this.lastLabels
    if (sameLabels(labels, last.from, last.to, from, to)) return last.id
    last.from = from
    last.to = to
    const hash = stackHash(labels, from, to)
    let id = this.labelSets.get(labels, from, to, hash)
    if (id === undefined) {
      const set: Label[] = []
      for (let at = from; at < to; at += LABEL_INTS) {
        const key = this.str(labels[at])
        if (labels[at + 1]) {
          set.push({ key, str: this.str(labels[at + 1] - 1) })
          continue
        }
        const num = labels[at + 3] * 4294967296 + (labels[at + 2] >>> 0)
        const unit = this.str(labels[at + 4])
        set.push(unit ? { key, num, unit } : { key, num })
      }
      id = this.sums!.labelSetId(set)
      this.labelSets.set(labels, from, to, hash, id)
    }
    return (last.id = id)
  }

  /** The file's meta as the reader makes it. */
  private fileMeta(): ProfileMeta {
    const scan = this.scan
    const str = (index: number) => this.str(scan.sid(index))
    const meta = newMeta('pprof')
    meta.comments = scan.comments.map(str)
    if (scan.docUrl) meta.comments.push(`doc_url: ${str(scan.docUrl)}`)
    if (scan.timeNanos) meta.startTime = scan.timeNanos / 1e6
    if (scan.durationNanos) meta.duration = scan.durationNanos
    if (scan.periodType) {
      meta.period = {
        metric: { name: str(scan.periodType.type), unit: modelUnit(str(scan.periodType.unit)) },
        value: scan.period,
      }
    }
    // Mappings the result has (each is kept once) are not made again.
    const mappings = scan.mappings.filter((m) => this.newMapping(m))
    if (mappings.length > 0) {
      meta.mappings = mappings.map((m) => modelMapping(m, str))
    }
    return meta
  }

  /** False for a mapping of the file the result has (by what `MetaSums` tells them apart by). */
  private newMapping(m: MappingMessage): boolean {
    const key = this.key
    key[0] = this.scan.sid(m.filename)
    key[1] = this.scan.sid(m.buildId)
    let n = 2
    for (const v of [m.memoryStart, m.memoryLimit, m.fileOffset]) {
      key[n++] = addressHi(v)
      key[n++] = addressLo(v)
    }
    const hash = stackHash(key, 0, n)
    if (this.mappingIds.get(key, 0, n, hash) !== undefined) return false
    this.mappingIds.set(key, 0, n, hash, 0)
    return true
  }

  private str(sid: number): string {
    return this.pool.get(sid)
  }
}

/** True when the labels at `fields[knownFrom..knownTo)` and `fields[from..to)` are the same. */
function sameLabels(
  fields: Int32Array,
  knownFrom: number,
  knownTo: number,
  from: number,
  to: number,
): boolean {
  if (knownTo - knownFrom !== to - from) return false
  for (let i = 0; i < to - from; i++) if (fields[knownFrom + i] !== fields[from + i]) return false
  return true
}

/**
 * The result's locations: frames (root-most first), lines and address of each, interned by all
 * of them, in the columns `newStack` walks.
 */
class LocationSet {
  start: Int32Array = new Int32Array(257)
  frames: Int32Array = new Int32Array(1024)
  lines: Int32Array = new Int32Array(1024)
  addressHi: Uint32Array = new Uint32Array(256)
  addressLo: Uint32Array = new Uint32Array(256)
  private count = 0
  private readonly ids = new StackMemo()
  /** The location begun: address (high, low half), then frame and line of each frame. */
  private key: Int32Array = new Int32Array(64)
  private keyLength = 0

  /** Starts a location at `address` (0 unknown): its frames come next, root-most first. */
  begin(address: Uint64): void {
    this.key[0] = address === 0 ? 0 : addressHi(address)
    this.key[1] = address === 0 ? 0 : addressLo(address)
    this.keyLength = 2
  }

  /** A frame of the location begun, and its line (0 unknown). */
  push(frame: number, line: number): void {
    if (this.keyLength + 2 > this.key.length) this.key = grown(this.key)
    this.key[this.keyLength++] = frame
    this.key[this.keyLength++] = line
  }

  /** The id of the location begun, interned by its address, frames and lines. */
  end(): number {
    const key = this.key
    const n = this.keyLength
    const hi = key[0]
    const lo = key[1]
    const frameCount = (n - 2) / 2
    const hash = stackHash(key, 0, n)
    const known = this.ids.get(key, 0, n, hash)
    if (known !== undefined) return known
    const id = this.count++
    if (id + 1 === this.addressHi.length) {
      this.start = grown(this.start)
      this.addressHi = grown(this.addressHi)
      this.addressLo = grown(this.addressLo)
    }
    const at = this.start[id]
    while (at + frameCount > this.frames.length) {
      this.frames = grown(this.frames)
      this.lines = grown(this.lines)
    }
    for (let k = 0; k < frameCount; k++) {
      this.frames[at + k] = key[2 + 2 * k]
      this.lines[at + k] = key[3 + 2 * k]
    }
    this.start[id + 1] = at + frameCount
    this.addressHi[id] = hi
    this.addressLo[id] = lo
    this.ids.set(key, 0, n, hash, id)
    return id
  }
}

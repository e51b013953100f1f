import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  StackTree,
  maybeGunzip,
  newMeta,
  type Frame,
  joinAddress,
  type Label,
  type Mapping,
  type Metric,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { LocationTable, type Verdict } from './location-table.js'
import { decodeProfileHeader } from './header-decoder.js'
import { isExact, type MappingMessage, type ProfileMessage } from './proto.js'
import { FramePruner, pruneStack } from './prune.js'
import { SampleDecoder } from './sample-decoder.js'
import { HASH_SEED, StackMemo, hashFinish, hashStep } from './stack-memo.js'
import { modelUnit } from './units.js'
import { grown } from './wire.js'

export interface PprofReadOptions extends ReadOptions {
  /** Apply the profile's `drop_frames` / `keep_frames` as pprof does. Default true. */
  pruneFrames?: boolean
}

/**
 * Reads a pprof profile (profile.proto, gzipped or not). Every sample type becomes a metric;
 * each location's lines become frames (inlined ones marked; a function's `start_line` is the
 * frame's line), the line of each kept on the stack tree, and, unless `positions: false`, the
 * location's address (exact to 64 bits); mappings go to `meta.mappings`; labels are kept on
 * samples.
 */
export function readPprof(bytes: Uint8Array, options: PprofReadOptions = {}): Profile {
  const raw = maybeGunzip(bytes, 'pprof', options.maxInputSize)
  let message: ProfileMessage
  try {
    message = decodeProfileHeader(raw)
  } catch (error) {
    if (error instanceof ProfconvError) throw error // malformed bytes, with their offset
    throw new ProfconvError(
      'pprof',
      `not a valid profile.proto message (${(error as Error).message}); truncated or not pprof?`,
    )
  }
  return new ProfileReader(message, raw, options).read()
}

class ProfileReader {
  private readonly strings: string[]
  private readonly frames = new FrameTable()
  private readonly notes: string[] = []
  private inexact = false
  /** What warming the memo read (kept, so that the reads are made: see StackMemo.warm). */
  private warmth = 0

  constructor(
    private readonly p: ProfileMessage,
    private readonly bytes: Uint8Array,
    private readonly options: PprofReadOptions,
  ) {
    this.strings = p.stringTable
    if (this.strings.length > 0 && this.strings[0] !== '') {
      throw new ProfconvError('pprof', 'string_table[0] must be the empty string')
    }
  }

  read(): Profile {
    const p = this.p
    const metrics: Metric[] = p.sampleType.map((t) => ({
      name: this.str(t.type),
      unit: modelUnit(this.str(t.unit)),
    }))
    if (metrics.length === 0) {
      throw new ProfconvError(
        'pprof',
        'the profile has no sample types, so it holds no data; empty, truncated or not pprof?',
      )
    }
    const defaultName = this.str(p.defaultSampleType)
    const named = defaultName ? metrics.findIndex((m) => m.name === defaultName) : -1
    const meta = newMeta('pprof')
    meta.comments = p.comment.map((c) => this.str(c))
    if (p.docUrl) meta.comments.push(`doc_url: ${this.str(p.docUrl)}`)
    // ns since 1970 pass 2^53: rounded to 256 ns, far below the millisecond kept here.
    if (p.timeNanos) meta.startTime = p.timeNanos / 1e6
    if (p.durationNanos) meta.duration = this.num(p.durationNanos)
    if (p.periodType) {
      meta.period = {
        metric: { name: this.str(p.periodType.type), unit: modelUnit(this.str(p.periodType.unit)) },
        value: this.num(p.period),
      }
    }
    const mappings = p.mapping.map((m) => modelMapping(m, (i) => this.str(i)))
    if (mappings.length > 0) meta.mappings = mappings
    const samples = this.samples(metrics.length)
    if (this.inexact) {
      this.notes.push('some 64-bit values were beyond 2^53 and were rounded to the nearest double')
    }
    meta.notes = this.notes
    return {
      metrics,
      defaultMetric: named >= 0 ? named : Math.max(0, metrics.length - 1),
      frames: this.frames,
      samples,
      meta,
    }
  }

  private samples(metricCount: number) {
    const locations = this.locations()
    const builder = new SamplesBuilder(metricCount)
    const labelSets = new Map<string, Label[]>()
    const decoder = new SampleDecoder(this.bytes)
    const memo = new StackMemo()
    const cut = locations.hasCuts ? (at: number) => locations.verdict(at) : undefined
    // Samples go in batches: each is decoded, mapped to location indexes and hashed before any
    // is looked up in the memo, and the memo is warmed for them all at once (StackMemo.warm).
    // Sample b's location indexes, leaf first, are `stack[start[b]..start[b + 1])`; `hashes[k]`
    // is the hash state of `stack[k..start[b + 1])` (see stack-memo.ts), whatever `from`
    // drop_frames leaves; `keys[b]` is the hash of the whole stack.
    let stack: Int32Array = new Int32Array(1024)
    let hashes: Int32Array = new Int32Array(1024)
    const start = new Int32Array(BATCH + 1)
    const keys = new Int32Array(BATCH)
    const values = new Float64Array(BATCH * metricCount)
    const labels = new Array<Label[] | undefined>(BATCH)
    const row = new Float64Array(metricCount)
    let pruned = 0
    for (let i = 0; ;) {
      // Every error is thrown here, in sample order.
      let count = 0
      for (; count < BATCH && decoder.next(); count++) {
        const sample = i + count
        if (decoder.valueCount !== metricCount) {
          throw new ProfconvError(
            'pprof',
            `sample ${sample} has ${decoder.valueCount} values for ${metricCount} sample types`,
          )
        }
        for (let m = 0; m < metricCount; m++)
          values[count * metricCount + m] = this.num(decoder.values[m])
        const n = decoder.idCount
        const at = start[count]
        while (at + n > stack.length) {
          stack = grown(stack)
          hashes = grown(hashes)
        }
        let hash = HASH_SEED
        for (let k = n - 1; k >= 0; k--) {
          const loc = this.locationIndex(locations, decoder.ids[k], sample)
          stack[at + k] = loc
          hash = hashStep(hash, loc)
          hashes[at + k] = hash
        }
        start[count + 1] = at + n
        keys[count] = hashFinish(hash, n)
        labels[count] = decoder.labelCount > 0 ? this.labels(decoder.labels, labelSets) : undefined
      }
      if (count === 0) break
      this.warmth ^= memo.warm(keys, count)
      for (let b = 0; b < count; b++, i++) {
        const at = start[b]
        const end = start[b + 1]
        let from = at
        if (cut) {
          from += pruneStack(stack.subarray(at, end), end - at, cut)
          if (from > at) pruned++
        }
        let node = -1
        if (end > from) {
          const key = from === at ? keys[b] : hashFinish(hashes[from], end - from)
          const known = memo.get(stack, from, end, key)
          if (known !== undefined) node = known
          else {
            node = newStack(builder.tree, locations, memo, stack, hashes, from, end)
            memo.set(stack, from, end, key, node)
          }
        }
        for (let m = 0; m < metricCount; m++) row[m] = values[b * metricCount + m]
        builder.add(node, row, labels[b])
      }
    }
    if (pruned > 0) {
      this.notes.push(
        `${pruned} samples lost frames to the profile's drop_frames rule, as in pprof (read with pruneFrames: false to keep them)`,
      )
    }
    return builder.finish()
  }

  private locationIndex(locations: LocationTable, id: number, sample: number): number {
    const at = locations.indexOf(this.id(id))
    if (at < 0) {
      throw new ProfconvError(
        'pprof',
        `sample ${sample} refers to location ${id}, which does not exist`,
      )
    }
    return at
  }

  /** Frames of every location, and the drop_frames verdict per location where there is one. */
  private locations() {
    const p = this.p
    const functions = new Map(p.function.map((f) => [this.id(f.id), f]))
    const modules = new Map<number, string | undefined>()
    for (const m of p.mapping) modules.set(this.id(m.id), this.str(m.filename) || undefined)
    const addresses = this.options.positions !== false

    const pruner =
      this.options.pruneFrames !== false && p.dropFrames && this.str(p.dropFrames)
        ? new FramePruner(this.str(p.dropFrames), this.str(p.keepFrames))
        : undefined
    const table = new LocationTable()
    // Frame per function, keyed by mapping and inlined-ness, then function id: numeric keys (a
    // string key per line was most of this loop's time).
    const frameIds = new Map<number, Map<number, number>[]>()
    const out = { frames: [] as number[], lines: [] as number[] }

    for (const loc of p.location) {
      const id = this.id(loc.id)
      const mapping = this.id(loc.mappingId)
      if (mapping !== 0 && !modules.has(mapping)) {
        throw new ProfconvError(
          'pprof',
          `location ${id} refers to mapping ${mapping}, which does not exist`,
        )
      }
      const module = modules.get(mapping)
      let lines = loc.line
      let verdict: Verdict = 'none'
      if (pruner) {
        const cut = pruner.linesToCut(
          lines.map((l) => this.str(functions.get(this.id(l.functionId))?.name ?? 0)),
        )
        if (cut >= 0) {
          // A fully cut location stays whole: pprof keeps it on stacks where it comes before
          // the first frame that is not cut.
          verdict = cut === lines.length ? 'full' : 'partial'
          if (verdict === 'partial') lines = lines.slice(cut)
        }
      }
      out.frames.length = 0
      out.lines.length = 0
      let byMapping = frameIds.get(mapping)
      if (!byMapping) frameIds.set(mapping, (byMapping = [new Map(), new Map()]))
      if (lines.length === 0) {
        // Unsymbolized: pprof shows the address.
        out.frames.push(this.frames.intern({ name: `0x${loc.address.toString(16)}`, module }))
        out.lines.push(0)
      }
      for (let k = lines.length - 1; k >= 0; k--) {
        const line = lines[k]
        const fid = this.id(line.functionId)
        const fn = functions.get(fid)
        if (!fn)
          throw new ProfconvError(
            'pprof',
            `location ${id} refers to function ${fid}, which does not exist`,
          )
        const inlined = k < lines.length - 1
        const ids = byMapping[inlined ? 1 : 0]
        let frame = ids.get(fid)
        if (frame === undefined) {
          const f: Frame = {
            name: this.str(fn.name) || this.str(fn.systemName) || `0x${loc.address.toString(16)}`,
            systemName: this.str(fn.systemName),
            file: this.str(fn.filename),
            line: fn.startLine ? this.num(fn.startLine) : undefined,
            module,
            inlined,
          }
          frame = this.frames.intern(f)
          ids.set(fid, frame)
        }
        out.frames.push(frame)
        out.lines.push(line.line > 0 && line.line <= 0x7fffffff ? line.line : 0)
      }
      table.add(id, out.frames, out.lines, verdict, addresses ? loc.address : 0)
    }
    table.finish()
    return table
  }

  private labels(labels: ProfileMessage['sample'][number]['label'], cache: Map<string, Label[]>) {
    if (labels.length === 0) return undefined
    const key = labels.map((l) => `${l.key},${l.str},${l.num},${l.numUnit}`).join(';')
    let out = cache.get(key)
    if (!out) {
      out = labels.map((l): Label => {
        const key = this.str(l.key)
        if (l.str) return { key, str: this.str(l.str) }
        const unit = this.str(l.numUnit)
        return unit ? { key, num: this.num(l.num), unit } : { key, num: this.num(l.num) }
      })
      cache.set(key, out)
    }
    return out
  }

  private str(index: number): string {
    if (index === 0) return ''
    const s = this.strings[index]
    if (s === undefined || !Number.isInteger(index)) {
      throw new ProfconvError(
        'pprof',
        `string index ${index} is outside the string table (${this.strings.length} strings)`,
      )
    }
    return s
  }

  private num(value: number): number {
    if (!isExact(value)) this.inexact = true
    return value
  }

  private id(value: number): number {
    if (!isExact(value))
      throw new ProfconvError(
        'pprof',
        `id ${value} is beyond 2^53; profconv cannot keep such ids apart`,
      )
    return value
  }
}

/** Samples decoded ahead of their memo lookups (see `samples`). */
const BATCH = 32

/** What a stack's walk reads of a location table (this reader's, or a fold's). */
type LocationColumns = Pick<LocationTable, 'start' | 'frames' | 'lines' | 'addressHi' | 'addressLo'>

/** How many of a new stack's callers are looked up in the memo before walking from the root. */
const CALLER_TRIES = 4

/**
 * The stack tree node of the new stack `stack[from..n)`. Its callers usually have samples of
 * their own (a function's callers are sampled too), so the nearest few callers are looked up in
 * the memo, hashes ready; from a known one only the frames below it are new. Else the whole
 * stack is walked from the tree's root.
 */
export function newStack(
  tree: StackTree,
  locations: LocationColumns,
  memo: StackMemo,
  stack: Int32Array,
  hashes: Int32Array,
  from: number,
  n: number,
): number {
  const last = Math.min(n - 1, from + CALLER_TRIES)
  for (let j = from + 1; j <= last; j++) {
    const caller = memo.get(stack, j, n, hashFinish(hashes[j], n - j))
    if (caller !== undefined) return insertStack(tree, locations, caller, stack, from, j)
  }
  return insertStack(tree, locations, -1, stack, from, n)
}

/**
 * The stack tree node of `stack[from..to)` (location indexes, leaf first) below `root` (-1: the
 * tree's root), created as needed.
 */
function insertStack(
  tree: StackTree,
  locations: LocationColumns,
  root: number,
  stack: Int32Array,
  from: number,
  to: number,
): number {
  const { start, frames, lines, addressHi, addressLo } = locations
  let node = root
  for (let s = to - 1; s >= from; s--) {
    const loc = stack[s]
    const hi = addressHi[loc]
    const lo = addressLo[loc]
    const address = hi === 0 ? lo : joinAddress(hi, lo)
    for (let k = start[loc]; k < start[loc + 1]; k++)
      node = tree.child(node, frames[k], lines[k], -1, address)
  }
  return node
}

/** A `Mapping` message as the model keeps it (`str` resolves string table indexes). */
export function modelMapping(m: MappingMessage, str: (index: number) => string): Mapping {
  const out: { -readonly [K in keyof Mapping]: Mapping[K] } = {
    file: str(m.filename),
    start: BigInt(m.memoryStart),
    limit: BigInt(m.memoryLimit),
    offset: BigInt(m.fileOffset),
    symbolized: {
      functions: m.hasFunctions,
      filenames: m.hasFilenames,
      lineNumbers: m.hasLineNumbers,
      inlineFrames: m.hasInlineFrames,
    },
  }
  const buildId = str(m.buildId)
  if (buildId) out.buildId = buildId
  return out
}

import {
  joinAddress,
  nanosecondsPer,
  withSamples,
  type Label,
  type Mapping,
  type Profile,
  type WriteOptions,
} from '@profconv/model'
import { gzipSync } from 'fflate'
import {
  encodeProfile,
  type DeepPartial,
  type LabelMessage,
  type LocationMessage,
  type ProfileMessage,
} from './proto.js'
import { SampleEncoder, encodeLabels, packIds } from './sample-encoder.js'
import { spreadPositions } from './spread-positions.js'

/** The note when call counts of a call graph could not be written. */
export const CALLS_NOTE =
  'call counts were not written: pprof sums sample values along stacks, which for counts of ' +
  'calls gives neither per-function nor per-caller numbers'

export interface PprofWriteOptions extends WriteOptions {
  /** Gzip the output, as pprof files are on disk. Default true. */
  gzip?: boolean
}

/**
 * Writes a profile as pprof's profile.proto, gzipped unless `gzip: false`. Stacks are written as
 * the samples hold them (a profile with only a call graph gets estimated stacks, with a note);
 * one location per (mapping, address, lines of a frame and the frames inlined into it); a line
 * in another file than its function's (inlined code) as a second Function record naming that
 * file; the profile's mappings as they were. Position detail beside a call graph (callgrind's)
 * is spread over the stacks' leaves (see spread-positions.ts). Every metric becomes a sample
 * type; notes go into the profile's comments. pprof values are integers: a time metric with
 * fractions is written in nanoseconds, other fractions are rounded.
 */
export function writePprof(input: Profile, options: PprofWriteOptions = {}): Uint8Array {
  const profile = withSamples(input)
  // Notes go to the caller's profile too: the CLI prints those after writing.
  const notes = input.meta.notes
  const note = (text: string) => notes.includes(text) || notes.push(text)
  profile.meta.notes.forEach(note)
  if (profile.graph?.nodes.some((n) => n.calls !== undefined)) note(CALLS_NOTE)
  let samples = profile.samples!
  let row: Int32Array | undefined
  const detail = profile.positions
  if (detail && !samples.tree.hasPositions && (detail.hasLines || detail.hasAddresses)) {
    const spread = spreadPositions(profile, samples, detail)
    samples = spread.samples
    row = spread.row
    spread.notes.forEach(note)
  }
  const built = new ProfileWriter({ ...profile, samples }, notes, row).build()
  const bytes = concat(encodeProfile(built.message), built.samples)
  if (options.gzip === false) return bytes
  // fflate wherever this runs (CLI, browser), so the same profile gives the same bytes everywhere:
  // Node's zlib and browsers' CompressionStream each compress differently. mtime 0, as Go's gzip
  // writer leaves it. Level 1, as Go's runtime/pprof writes: half the time of 6, 9% larger.
  return gzipSync(bytes, { level: 1, mtime: 0 })
}

class ProfileWriter {
  private readonly strings = new Map<string, number>([['', 0]])
  private readonly functions = new Map<string, number>()
  /** Function id per frame id: frames of one function (inlined or not) share one. */
  private readonly functionOfFrame: (number | undefined)[] = []
  private readonly mappings = new Map<string, number>()
  /** The profile's own mappings (`meta.mappings`), ids 1…n, by file. */
  private readonly listed = new Map<string, { id: number; mapping: Mapping }[]>()
  private readonly locationIds = new Map<string, number>()
  private readonly out: DeepPartial<ProfileMessage> & { location: DeepPartial<LocationMessage>[] }

  constructor(
    private readonly profile: Profile,
    private readonly notes: string[],
    /** The position row of each sample, where spreadPositions made them (rounding carries per row). */
    private readonly row?: Int32Array,
  ) {
    this.out = { location: [], function: [], mapping: [] }
    for (const mapping of profile.meta.mappings ?? []) {
      const id = this.out.mapping!.length + 1
      const flags = mapping.symbolized
      this.out.mapping!.push({
        id,
        memoryStart: mapping.start,
        memoryLimit: mapping.limit,
        fileOffset: mapping.offset,
        filename: this.str(mapping.file),
        buildId: this.str(mapping.buildId ?? ''),
        hasFunctions: flags?.functions ?? true,
        hasFilenames: flags?.filenames ?? true,
        hasLineNumbers: flags?.lineNumbers ?? true,
        hasInlineFrames: flags?.inlineFrames ?? true,
      })
      const same = this.listed.get(mapping.file) ?? []
      same.push({ id, mapping })
      this.listed.set(mapping.file, same)
    }
  }

  /** The profile message without its samples, and the samples encoded (sample-encoder.ts). */
  build(): { message: DeepPartial<ProfileMessage>; samples: Uint8Array } {
    const { profile, out } = this
    const samples = profile.samples!
    const rounded: string[] = []
    const scales = profile.metrics.map((metric, m) => this.scale(m, rounded))
    if (rounded.length > 0) {
      const text = `values of ${rounded.join(', ')} were rounded to integers (pprof values are integers)`
      if (!this.notes.includes(text)) this.notes.push(text)
    }
    out.sampleType = profile.metrics.map((metric, m) => ({
      type: this.str(metric.name),
      unit: this.str(scales[m] === 1 ? metric.unit : 'nanoseconds'),
    }))
    // pprof's default is the last sample type; name another one.
    if (profile.defaultMetric !== profile.metrics.length - 1) {
      out.defaultSampleType = this.str(profile.metrics[profile.defaultMetric].name)
    }
    const { meta } = profile
    if (meta.period) {
      out.periodType = {
        type: this.str(meta.period.metric.name),
        unit: this.str(meta.period.metric.unit),
      }
      out.period = Math.round(meta.period.value)
    }
    if (meta.startTime !== undefined) out.timeNanos = Math.round(meta.startTime * 1e6)
    if (meta.duration !== undefined) out.durationNanos = Math.round(meta.duration)

    const locationsOf = this.locationsOfNodes()
    const labelCache = new Map<readonly Label[], Uint8Array>()
    const round = this.rounding(scales)
    const encoder = new SampleEncoder()
    const values = new Float64Array(profile.metrics.length)
    for (let i = 0; i < samples.stack.length; i++) {
      round(i, values)
      const labels = samples.labels?.[i]
      let label: Uint8Array | undefined
      if (labels) {
        label = labelCache.get(labels)
        if (!label) labelCache.set(labels, (label = encodeLabels(labels.map((l) => this.label(l)))))
      }
      encoder.add(locationsOf(samples.stack[i]), values, label)
    }
    // Notes last: building may add some.
    out.comment = [...meta.comments, ...this.notes].map((c) => this.str(c))
    out.stringTable = [...this.strings.keys()]
    return { message: out, samples: encoder.finish() }
  }

  /**
   * A function giving a stack-tree node's location ids, leaf first: each run of inlined frames
   * with the frame they were inlined into is one location, as pprof writes them.
   */
  private locationsOfNodes(): (node: number) => Uint8Array {
    const { tree } = this.profile.samples!
    const frames = this.profile.frames
    const locationOf: ({ id: number; next: number } | undefined)[] = []
    // Per leaf node: samples of one stack share it (1M samples, ~100k distinct stacks).
    const packedOf: (Uint8Array | undefined)[] = []
    const none = packIds([])
    return (leaf) => {
      if (leaf < 0) return none
      const packed = packedOf[leaf]
      if (packed) return packed
      const ids: number[] = []
      for (let node = leaf; node >= 0;) {
        let entry = locationOf[node]
        if (!entry) {
          const lines: { functionId: number; line: number }[] = []
          let top = node
          for (;;) {
            const frame = frames.get(tree.frame(top))
            const file = tree.file(top)
            const functionId =
              file < 0
                ? this.function(tree.frame(top))
                : this.functionOf(tree.frame(top), tree.files[file])
            lines.push({ functionId, line: tree.line(top) })
            if (!frame.inlined || tree.parent(top) < 0) break
            top = tree.parent(top)
          }
          const hi = tree.addressHi(top)
          const lo = tree.addressLo(top)
          const address = hi === 0 ? lo : joinAddress(hi, lo)
          const mappingId = this.mapping(frames.get(tree.frame(top)).module, address)
          entry = { id: this.location(mappingId, address, lines), next: tree.parent(top) }
          locationOf[node] = entry
        }
        ids.push(entry.id)
        node = entry.next
      }
      return (packedOf[leaf] = packIds(ids))
    }
  }

  private location(
    mappingId: number,
    address: number | bigint,
    lines: { functionId: number; line: number }[],
  ): number {
    const key = `${mappingId}:${address}:${lines.map((l) => `${l.functionId}@${l.line}`).join(',')}`
    let id = this.locationIds.get(key)
    if (id === undefined) {
      id = this.locationIds.size + 1
      this.locationIds.set(key, id)
      this.out.location.push({ id, mappingId, address, line: lines })
    }
    return id
  }

  private function(frameId: number): number {
    return (this.functionOfFrame[frameId] ??= this.functionOf(frameId))
  }

  /**
   * The Function record of a frame; with `file` (a stack-tree node's file that is not the
   * frame's own: code inlined from another file, a perf srcline), a record naming that file.
   */
  private functionOf(frameId: number, file?: string): number {
    const frame = this.profile.frames.get(frameId)
    const filename = file ?? frame.file ?? ''
    const key = `${frame.name}\u0000${frame.systemName ?? ''}\u0000${filename}\u0000${frame.line ?? ''}`
    let id = this.functions.get(key)
    if (id === undefined) {
      id = this.functions.size + 1
      this.functions.set(key, id)
      this.out.function!.push({
        id,
        name: this.str(frame.name),
        systemName: this.str(frame.systemName ?? systemNameFor(frame.name)),
        filename: this.str(filename),
        startLine: frame.line ?? 0,
      })
    }
    return id
  }

  /**
   * The mapping of a location of `module` at `address`: of the profile's own, the one of that
   * file whose range holds the address (else the first of that file); else one per module.
   */
  private mapping(module: string | undefined, address: number | bigint): number {
    const listed = this.listed.get(module ?? '')
    if (listed) {
      if (listed.length === 1 || address === 0) return listed[0].id
      const at = BigInt(address)
      const holding = listed.find(({ mapping }) => mapping.start <= at && at < mapping.limit)
      return (holding ?? listed[0]).id
    }
    if (!module) return 0
    let id = this.mappings.get(module)
    if (id === undefined) {
      id = this.out.mapping!.length + 1
      this.mappings.set(module, id)
      // Symbolized already: the flags tell pprof not to look for the binary.
      this.out.mapping!.push({
        id,
        filename: this.str(module),
        hasFunctions: true,
        hasFilenames: true,
        hasLineNumbers: true,
        hasInlineFrames: true,
      })
    }
    return id
  }

  private label(label: Label): Partial<LabelMessage> {
    if (label.str !== undefined) return { key: this.str(label.key), str: this.str(label.str) }
    return {
      key: this.str(label.key),
      num: Math.round(label.num ?? 0),
      numUnit: this.str(label.unit ?? ''),
    }
  }

  /**
   * Fills `out` with the integer values of sample i. Fractions (estimated stacks) are rounded
   * with the error carried over to the next sample of the same leaf function, so each
   * function's self total stays within one unit of the exact one.
   */
  private rounding(scales: number[]): (i: number, out: Float64Array) => void {
    const { samples, frames } = this.profile
    const { stack, values, tree } = samples!
    const M = values.length
    // Error carried per leaf function, or per position row where samples were spread.
    const row = this.row
    let rows = 0
    if (row) for (let i = 0; i < row.length; i++) rows = Math.max(rows, row[i] + 1)
    const carry = new Float64Array((frames.length + rows) * M)
    return (i, out) => {
      for (let m = 0; m < M; m++) {
        const v = values[m][i] * scales[m]
        if (Number.isInteger(v)) {
          out[m] = v
          continue
        }
        const bucket =
          row && row[i] >= 0 ? frames.length + row[i] : stack[i] < 0 ? -1 : tree.frame(stack[i])
        const at = bucket < 0 ? -1 : bucket * M + m
        const exact = v + (at >= 0 ? carry[at] : 0)
        const rounded = Math.round(exact)
        if (at >= 0) carry[at] = exact - rounded
        out[m] = rounded
      }
    }
  }

  /**
   * 1 to write metric m as is; nanoseconds per unit to write a fractional time metric in ns. A
   * fractional metric of another unit is rounded: its name is added to `rounded`.
   */
  private scale(m: number, rounded: string[]): number {
    const column = this.profile.samples!.values[m]
    if (column.every(Number.isInteger)) return 1
    const metric = this.profile.metrics[m]
    const ns = nanosecondsPer(metric.unit)
    if (ns !== undefined && ns !== 1) return ns
    rounded.push(metric.name)
    return 1
  }

  private str(s: string): number {
    let index = this.strings.get(s)
    if (index === undefined) {
      index = this.strings.size
      this.strings.set(s, index)
    }
    return index
  }
}

/**
 * The system name to write for a function that has none of its own: its name, as Go writes,
 * except where pprof would take the name for C++ and simplify it (a system name equal to the
 * name counts as not yet demangled): `<listcomp>` and `<built-in method builtins.len>` would
 * lose everything between `<` and `>` and show as `<unknown>`. An empty system name keeps them.
 */
function systemNameFor(name: string): string {
  const cplusplusLike = /[<>[\]]|::/.test(name) && !name.includes('.<') && !name.includes(']).')
  return cplusplusLike ? '' : name
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

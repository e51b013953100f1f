import { ProfconvError } from './error.js'
import { edgeColumns, type CallGraph } from './graph.js'

/**
 * Self cost per position: one row per distinct (function, file, line, address), in the order the
 * source first gave each. `frame` is the function (a frame id); `file` indexes
 * `PositionDetail.files` (the function's own file, or the file of code inlined into it; -1
 * unknown); `line` is 1-based (0 unknown); the address is `addressHi * 2^32 + addressLo`, exact to
 * 64 bits (0 unknown). `self[row * metricCount + m]` is the cost of metric m there.
 */
export interface LineRows {
  readonly length: number
  readonly frame: Int32Array
  readonly file: Int32Array
  readonly line: Int32Array
  readonly addressHi: Uint32Array
  readonly addressLo: Uint32Array
  readonly self: Float64Array
}

/**
 * Call sites per call arc: one row per distinct (caller, callee, file, line, address), where
 * file, line and address say where in the caller the call is made (same conventions as
 * `LineRows`). `total[row * metricCount + m]` is the callee's inclusive cost from that site;
 * `calls[row]` the calls made there (NaN unknown).
 */
export interface SiteRows {
  readonly length: number
  readonly caller: Int32Array
  readonly callee: Int32Array
  readonly file: Int32Array
  readonly line: Int32Array
  readonly addressHi: Uint32Array
  readonly addressLo: Uint32Array
  readonly total: Float64Array
  readonly calls: Float64Array
}

/**
 * Where in the code the cost is: an optional refinement beside the call graph, never a second
 * truth. Invariants (checked by `checkPositions`, which builders call): per metric, a function's
 * `lines` rows sum to its graph `self`, and an arc's `sites` rows sum to its `total`; the known
 * site call counts sum to the arc's `calls` (0 where the arc's count is unknown).
 *
 * Exact where the source records positions (callgrind cost lines, pprof lines and addresses,
 * derived from a stack tree's lines); a reader that knows only part of it puts the rest at line 0.
 */
export interface PositionDetail {
  readonly metricCount: number
  /** File names; rows' `file` columns index it. */
  readonly files: readonly string[]
  readonly lines: LineRows
  readonly sites: SiteRows
  /** True when some row has a line (not 0). */
  readonly hasLines: boolean
  /** True when some row has an address (not 0). */
  readonly hasAddresses: boolean
  /**
   * Frames in the order the source last opened a block of each (callgrind's `fn=` lines:
   * callgrind_annotate shows the object of a name's last block), where the reader kept it.
   */
  readonly frameOrder?: Int32Array
  /**
   * True when the source wrote its cost lines in full, zeros included (cachegrind), rather
   * than leaving trailing zeros out (callgrind): callgrind_annotate shows the two differently.
   */
  readonly fullLines?: boolean
}

const TWO_32 = 4294967296

/** The upper 32 bits of an address given as a number (exact below 2^53) or a bigint. */
export function addressHi(address: number | bigint): number {
  return typeof address === 'bigint'
    ? Number(BigInt.asUintN(32, address >> 32n))
    : Math.floor(address / TWO_32) >>> 0
}

/** The lower 32 bits of an address given as a number or a bigint. */
export function addressLo(address: number | bigint): number {
  return typeof address === 'bigint' ? Number(BigInt.asUintN(32, address)) : address >>> 0
}

/** The exact address of a hi/lo pair. */
export function joinAddress(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo)
}

/** The address of a hi/lo pair in lower-case hex without `0x` (`ffffffff813aecd3`). */
export function addressHex(hi: number, lo: number): string {
  return hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0')
}

/**
 * Open-addressing index of int tuples of width 5 or 6 (the last 0 for width 5) to dense row
 * ids. Arguments, not an array: this runs for every cost line of a big file. Tuples end in
 * (line, address hi, address lo); those that differ only in the low 6 bits of line and address
 * hash to one block of 64 slots, so a function's neighbouring lines probe the same few cache
 * lines of a table far larger than the cache, while distant ones still spread.
 */
class TupleIndex {
  keys: Int32Array
  count = 0
  /** Rows `[0, indexed)` are in `slots`; later ones were appended unindexed (see `append`). */
  private indexed = 0
  /** Row + 1 per slot (0: empty); a power of two, at most half full. */
  private slots: Int32Array

  constructor(
    readonly width: 5 | 6,
    private readonly initialSlots = 1024,
  ) {
    this.keys = new Int32Array(width * 256)
    this.slots = new Int32Array(initialSlots)
  }

  /** The row of the tuple, the next new one if absent. */
  id(a: number, b: number, c: number, d: number, e: number, f: number): number {
    if (this.indexed < this.count) this.catchUp()
    const w = this.width
    const mask = this.slots.length - 1
    const keys = this.keys
    const h = this.hash(a, b, c, d, e, f)
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]
      if (entry === 0) return this.add(slot, a, b, c, d, e, f)
      const at = (entry - 1) * w
      if (
        keys[at] === a &&
        keys[at + 1] === b &&
        keys[at + 2] === c &&
        keys[at + 3] === d &&
        keys[at + 4] === e &&
        (w === 5 || keys[at + 5] === f)
      )
        return entry - 1
    }
  }

  private add(slot: number, a: number, b: number, c: number, d: number, e: number, f: number) {
    const row = this.append(a, b, c, d, e, f)
    this.slots[slot] = row + 1
    this.indexed++
    if (this.indexed * 2 > this.slots.length) this.rehash()
    return row
  }

  /** Adds the tuple as a new row without indexing it: for a caller that knows it is new. */
  append(a: number, b: number, c: number, d: number, e: number, f: number): number {
    const w = this.width
    const row = this.count++
    if ((row + 1) * w > this.keys.length) {
      const grown = new Int32Array(this.keys.length * 2)
      grown.set(this.keys)
      this.keys = grown
    }
    const at = row * w
    const keys = this.keys
    keys[at] = a
    keys[at + 1] = b
    keys[at + 2] = c
    keys[at + 3] = d
    keys[at + 4] = e
    if (w === 6) keys[at + 5] = f
    return row
  }

  /** Empties the index, its slots back to their first size (its key array is kept for reuse). */
  clear(): void {
    if (this.count === 0) return
    this.count = this.indexed = 0
    if (this.slots.length === this.initialSlots) this.slots.fill(0)
    else this.slots = new Int32Array(this.initialSlots)
  }

  /** Indexes the rows appended unindexed. */
  private catchUp(): void {
    let size = this.slots.length
    while (this.count * 2 > size) size *= 2
    this.indexed = this.count
    this.rehash(size)
  }

  /** Puts rows `[0, indexed)` in a new table of `size` slots (default: twice the present). */
  private rehash(size = this.slots.length * 2): void {
    const w = this.width
    const k = this.keys
    const slots = new Int32Array(size)
    const mask = slots.length - 1
    for (let row = 0; row < this.indexed; row++) {
      const at = row * w
      const f = w === 6 ? k[at + 5] : 0
      const h = this.hash(k[at], k[at + 1], k[at + 2], k[at + 3], k[at + 4], f)
      let slot = h & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = row + 1
    }
    this.slots = slots
  }

  private hash(a: number, b: number, c: number, d: number, e: number, f: number): number {
    return this.width === 5 ? nearHash(a, b, 0, c, d, e) : nearHash(a, b, c, d, e, f)
  }
}

/**
 * A `TupleIndex` for tuples that come in runs of one first member (a function's rows, a caller's
 * call sites), as readers give them. While a run is of a first member met for the first time, its
 * tuples are looked up in a small table of the run alone and appended to the big one unindexed;
 * the big table indexes them only when some earlier first member comes back. A file that gives
 * each function once (callgrind's own files) never probes the big table.
 */
class RunIndex {
  readonly all: TupleIndex
  private readonly run: TupleIndex
  private runKey = -1
  private runStart = 0
  private fresh = false
  private seen = new Uint8Array(256)

  constructor(width: 5 | 6) {
    this.all = new TupleIndex(width)
    this.run = new TupleIndex(width, 64)
  }

  /** The row of the tuple, the next new one if absent. */
  id(a: number, b: number, c: number, d: number, e: number, f: number): number {
    if (a !== this.runKey) this.startRun(a)
    if (!this.fresh) return this.all.id(a, b, c, d, e, f)
    const local = this.run.id(a, b, c, d, e, f)
    if (local === this.all.count - this.runStart) this.all.append(a, b, c, d, e, f)
    return this.runStart + local
  }

  private startRun(a: number): void {
    this.runKey = a
    if (a >= this.seen.length) {
      const grown = new Uint8Array(Math.max(a + 1, this.seen.length * 2))
      grown.set(this.seen)
      this.seen = grown
    }
    this.fresh = a >= 0 && this.seen[a] === 0
    if (a >= 0) this.seen[a] = 1
    this.runStart = this.all.count
    this.run.clear()
  }
}

/** The hash of a tuple ending in (line, hi, lo): a block per line >> 6 and lo >> 6, then the offset. */
function nearHash(a: number, b: number, c: number, line: number, hi: number, lo: number): number {
  return (tupleHash(a, b, c, line >>> 6, hi, lo >>> 6) + ((line + lo) & 63)) | 0
}

function tupleHash(a: number, b: number, c: number, d: number, e: number, f: number): number {
  let h = Math.imul(a + 1, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) ^ Math.imul(c + 1, 0x27d4eb2f)
  h ^= Math.imul(d, 0x165667b1) ^ Math.imul(e, 0x61c88647) ^ Math.imul(f + 1, 0x297a2d39)
  h ^= h >>> 15
  return Math.imul(h, 0xc2b2ae35) ^ (h >>> 13)
}

/**
 * Builds a `PositionDetail`: costs added to the same position are summed into one row; rows keep
 * the order positions were first added. Frame and file ids are the caller's (see `remap` when
 * they are settled only at the end, as callgrind names are).
 */
export class PositionBuilder {
  private readonly fileIds = new Map<string, number>()
  readonly files: string[] = []
  private readonly lineIndex = new RunIndex(5)
  private readonly siteIndex = new RunIndex(6)
  private selfValues: Float64Array
  private siteValues: Float64Array
  private siteCalls: Float64Array
  /** The last line row and its key, for runs of costs at one position. */
  private lastLine = -1

  constructor(readonly metricCount: number) {
    this.selfValues = new Float64Array(256 * metricCount)
    this.siteValues = new Float64Array(256 * metricCount)
    this.siteCalls = new Float64Array(256).fill(NaN)
  }

  /** The id of file `name` (-1 for undefined), added on first use. */
  file(name: string | undefined): number {
    if (name === undefined) return -1
    let id = this.fileIds.get(name)
    if (id === undefined) {
      id = this.files.push(name) - 1
      this.fileIds.set(name, id)
    }
    return id
  }

  /** Adds `values[at..at + metricCount)` to the self row of (frame, file, line, address). */
  addSelf(
    frame: number,
    file: number,
    line: number,
    hi: number,
    lo: number,
    values: ArrayLike<number>,
    at = 0,
  ): void {
    const M = this.metricCount
    let row = this.lastLine
    const keys = this.lineIndex.all.keys
    if (
      row < 0 ||
      keys[row * 5] !== frame ||
      keys[row * 5 + 1] !== file ||
      keys[row * 5 + 2] !== line ||
      keys[row * 5 + 3] !== (hi | 0) ||
      keys[row * 5 + 4] !== (lo | 0)
    ) {
      row = this.lastLine = this.lineIndex.id(frame, file, line, hi | 0, lo | 0, 0)
      if ((row + 1) * M > this.selfValues.length) this.selfValues = grown(this.selfValues, 0)
    }
    const self = this.selfValues
    for (let m = 0; m < M; m++) self[row * M + m] += values[at + m]
  }

  /**
   * Adds `values[at..at + metricCount)` and `calls` (NaN unknown; unknown plus known is the
   * known) to the site row of the call caller → callee at (file, line, address) in the caller.
   */
  addSite(
    caller: number,
    callee: number,
    file: number,
    line: number,
    hi: number,
    lo: number,
    values: ArrayLike<number>,
    at: number,
    calls: number,
  ): void {
    const M = this.metricCount
    const row = this.siteIndex.id(caller, callee, file, line, hi | 0, lo | 0)
    if ((row + 1) * M > this.siteValues.length) this.siteValues = grown(this.siteValues, 0)
    if (row + 1 > this.siteCalls.length) this.siteCalls = grown(this.siteCalls, NaN)
    const total = this.siteValues
    for (let m = 0; m < M; m++) total[row * M + m] += values[at + m]
    if (!Number.isNaN(calls)) {
      this.siteCalls[row] = Number.isNaN(this.siteCalls[row]) ? calls : this.siteCalls[row] + calls
    }
  }

  /** The detail, with `files` as the file names (default: those given to `file`). */
  finish(files: readonly string[] = this.files): PositionDetail {
    const M = this.metricCount
    const n = this.lineIndex.all.count
    const lk = this.lineIndex.all.keys
    const lines = {
      length: n,
      frame: new Int32Array(n),
      file: new Int32Array(n),
      line: new Int32Array(n),
      addressHi: new Uint32Array(n),
      addressLo: new Uint32Array(n),
      self: this.selfValues.slice(0, n * M),
    }
    let hasLines = false
    let hasAddresses = false
    for (let r = 0; r < n; r++) {
      lines.frame[r] = lk[r * 5]
      lines.file[r] = lk[r * 5 + 1]
      lines.line[r] = lk[r * 5 + 2]
      lines.addressHi[r] = lk[r * 5 + 3]
      lines.addressLo[r] = lk[r * 5 + 4]
      if (lines.line[r] !== 0) hasLines = true
      if (lines.addressHi[r] !== 0 || lines.addressLo[r] !== 0) hasAddresses = true
    }
    const s = this.siteIndex.all.count
    const sk = this.siteIndex.all.keys
    const sites = {
      length: s,
      caller: new Int32Array(s),
      callee: new Int32Array(s),
      file: new Int32Array(s),
      line: new Int32Array(s),
      addressHi: new Uint32Array(s),
      addressLo: new Uint32Array(s),
      total: this.siteValues.slice(0, s * M),
      calls: this.siteCalls.slice(0, s),
    }
    for (let r = 0; r < s; r++) {
      sites.caller[r] = sk[r * 6]
      sites.callee[r] = sk[r * 6 + 1]
      sites.file[r] = sk[r * 6 + 2]
      sites.line[r] = sk[r * 6 + 3]
      sites.addressHi[r] = sk[r * 6 + 4]
      sites.addressLo[r] = sk[r * 6 + 5]
      if (sites.line[r] !== 0) hasLines = true
      if (sites.addressHi[r] !== 0 || sites.addressLo[r] !== 0) hasAddresses = true
    }
    return { metricCount: M, files: [...files], lines, sites, hasLines, hasAddresses }
  }
}

function grown<T extends Float64Array>(a: T, fill: number): Float64Array {
  const out = new Float64Array(a.length * 2)
  out.set(a)
  if (fill !== 0) out.fill(fill, a.length)
  return out
}

/**
 * `detail` with frame `f` renamed `frameOf[f]` and file `i` renamed `fileOf[i]` (an index into
 * `files`; -1 stays -1); rows that become equal are summed, in first-appearance order. For
 * readers whose identities are settled only at the end (callgrind names defined late).
 */
export function remapPositions(
  detail: PositionDetail,
  frameOf: ArrayLike<number> | undefined,
  fileOf: ArrayLike<number> | undefined,
  files: readonly string[],
): PositionDetail {
  const M = detail.metricCount
  const builder = new PositionBuilder(M)
  const fr = (f: number) => (frameOf ? frameOf[f] : f)
  const fi = (i: number) => (i < 0 || !fileOf ? i : fileOf[i])
  const { lines, sites } = detail
  for (let r = 0; r < lines.length; r++) {
    builder.addSelf(
      fr(lines.frame[r]),
      fi(lines.file[r]),
      lines.line[r],
      lines.addressHi[r],
      lines.addressLo[r],
      lines.self,
      r * M,
    )
  }
  for (let r = 0; r < sites.length; r++) {
    builder.addSite(
      fr(sites.caller[r]),
      fr(sites.callee[r]),
      fi(sites.file[r]),
      sites.line[r],
      sites.addressHi[r],
      sites.addressLo[r],
      sites.total,
      r * M,
      sites.calls[r],
    )
  }
  return builder.finish(files)
}

function close(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b))
}

/**
 * Throws a `ProfconvError` of `format` unless `detail` agrees with `graph` (see
 * `PositionDetail`): per metric, each function's rows sum to its self and each arc's sites to
 * its total; known site call counts sum to the arc's count (0 when unknown). Linear, in typed
 * arrays: readers call it on every profile they build.
 */
export function checkPositions(detail: PositionDetail, graph: CallGraph, format: string): void {
  const M = detail.metricCount
  const fail = (what: string) => {
    throw new ProfconvError(format, `position detail does not add up: ${what}`)
  }
  const { lines, sites } = detail
  let frameCount = 0
  for (const node of graph.nodes) frameCount = Math.max(frameCount, node.frame + 1)
  for (let r = 0; r < lines.length; r++) frameCount = Math.max(frameCount, lines.frame[r] + 1)
  const self = new Float64Array(frameCount * M)
  for (let r = 0; r < lines.length; r++) {
    const at = lines.frame[r] * M
    for (let m = 0; m < M; m++) self[at + m] += lines.self[r * M + m]
  }
  for (const node of graph.nodes) {
    for (let m = 0; m < M; m++) {
      const sum = self[node.frame * M + m]
      if (!close(sum, node.self[m]))
        fail(`frame ${node.frame}'s rows sum to ${sum}, its self is ${node.self[m]}`)
      self[node.frame * M + m] = 0
    }
  }
  if (self.some((v) => v !== 0)) fail('a frame has costed rows but no node')

  const edges = edgeColumns(graph, M)
  const arcs = new TupleIndex(5)
  for (let e = 0; e < edges.length; e++) arcs.id(edges.caller[e], edges.callee[e], 0, 0, 0, 0)
  const total = new Float64Array((arcs.count + 1) * M)
  const calls = new Float64Array(arcs.count + 1)
  const none = arcs.count // the row of sites of no edge
  for (let r = 0; r < sites.length; r++) {
    let arc = arcs.id(sites.caller[r], sites.callee[r], 0, 0, 0, 0)
    if (arc >= none) arc = none
    for (let m = 0; m < M; m++) total[arc * M + m] += sites.total[r * M + m]
    if (!Number.isNaN(sites.calls[r])) calls[arc] += sites.calls[r]
  }
  for (let e = 0; e < edges.length; e++) {
    const arc = arcs.id(edges.caller[e], edges.callee[e], 0, 0, 0, 0)
    const name = `arc ${edges.caller[e]} -> ${edges.callee[e]}`
    for (let m = 0; m < M; m++) {
      const want = edges.total[e * M + m]
      const sum = total[arc * M + m]
      if (!close(sum, Number.isNaN(want) ? 0 : want))
        fail(`${name}'s sites sum to ${sum}, its total is ${want}`)
    }
    const want = Number.isNaN(edges.calls[e]) ? 0 : edges.calls[e]
    if (!close(calls[arc], want)) fail(`${name}'s sites make ${calls[arc]} calls, the arc ${want}`)
  }
  for (let m = 0; m < M; m++) if (total[none * M + m] !== 0) fail('a call site has no arc')
  if (calls[none] !== 0) fail('a call site has no arc')
}

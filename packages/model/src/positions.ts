import { ProfconvError } from './error.js'
import { edgeColumns, type CallGraph, type EdgeColumns } from './graph.js'

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
 * lines of a table far larger than the cache, while distant ones still spread. Rows may also be
 * appended unindexed (`append`) and indexed later (`index`): the caller (`RunIndex`) knows
 * which rows a lookup can meet.
 */
class TupleIndex {
  /** The rows' members, a column each (`k5` unused for width 5), `count` rows in use. */
  k0: Int32Array = new Int32Array(256)
  k1: Int32Array = new Int32Array(256)
  k2: Int32Array = new Int32Array(256)
  k3: Int32Array = new Int32Array(256)
  k4: Int32Array = new Int32Array(256)
  k5: Int32Array = new Int32Array(256)
  count = 0
  /** The number of rows in `slots`. */
  private indexed = 0
  /**
   * Two numbers per slot: row + 1 (0: empty) and the row's hash, so a probe passes other rows
   * without reading their keys (rows far apart in `keys` when a function's lines come in several
   * blocks), and growing the table reads no key. A power of two of slots, at most half full.
   */
  private slots = new Int32Array(2 * 1024)

  constructor(readonly width: 5 | 6) {}

  /** Whether row `row` holds the tuple (a 5-tuple's `f` is 0 and not compared). */
  holds(row: number, a: number, b: number, c: number, d: number, e: number, f: number): boolean {
    return (
      this.k0[row] === a &&
      this.k1[row] === b &&
      this.k2[row] === c &&
      this.k3[row] === d &&
      this.k4[row] === e &&
      (this.width === 5 || this.k5[row] === f)
    )
  }

  /** `keyHash` of row `row`. */
  hashOf(row: number): number {
    return keyHash(
      this.width,
      this.k0[row],
      this.k1[row],
      this.k2[row],
      this.k3[row],
      this.k4[row],
      this.width === 6 ? this.k5[row] : 0,
    )
  }

  /** The row of the tuple among the indexed ones, a new indexed one if absent. */
  id(a: number, b: number, c: number, d: number, e: number, f: number): number {
    const w = this.width
    const slots = this.slots
    const mask = (slots.length >> 1) - 1
    const h = keyHash(w, a, b, c, d, e, f)
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[2 * slot]
      if (entry === 0) {
        const row = this.append(a, b, c, d, e, f)
        this.put(slot, row, h)
        return row
      }
      if (slots[2 * slot + 1] === h && this.holds(entry - 1, a, b, c, d, e, f)) {
        return entry - 1
      }
    }
  }

  /** Indexes `row`, appended unindexed and known to differ from every indexed row. */
  index(row: number): void {
    const h = this.hashOf(row)
    const slots = this.slots
    const mask = (slots.length >> 1) - 1
    let slot = h & mask
    while (slots[2 * slot] !== 0) slot = (slot + 1) & mask
    this.put(slot, row, h)
  }

  private put(slot: number, row: number, h: number): void {
    this.slots[2 * slot] = row + 1
    this.slots[2 * slot + 1] = h
    this.indexed++
    if (this.indexed * 4 > this.slots.length) this.rehash(this.slots.length)
  }

  /** Adds the tuple as a new row without indexing it: for a caller that knows it is new. */
  append(a: number, b: number, c: number, d: number, e: number, f: number): number {
    const w = this.width
    const row = this.count++
    if (row === this.k0.length) {
      const size = 2 * row
      this.k0 = resized(this.k0, size)
      this.k1 = resized(this.k1, size)
      this.k2 = resized(this.k2, size)
      this.k3 = resized(this.k3, size)
      this.k4 = resized(this.k4, size)
      if (w === 6) this.k5 = resized(this.k5, size)
    }
    this.k0[row] = a
    this.k1[row] = b
    this.k2[row] = c
    this.k3[row] = d
    this.k4[row] = e
    if (w === 6) this.k5[row] = f
    return row
  }

  /** Moves the indexed rows to a table of `size` slots, by their kept hashes. */
  private rehash(size: number): void {
    const old = this.slots
    const slots = new Int32Array(2 * size)
    const mask = size - 1
    for (let i = 0; i < old.length; i += 2) {
      if (old[i] === 0) continue
      const h = old[i + 1]
      let slot = h & mask
      while (slots[2 * slot] !== 0) slot = (slot + 1) & mask
      slots[2 * slot] = old[i]
      slots[2 * slot + 1] = h
    }
    this.slots = slots
  }
}

/** What a `RunIndex` knows of a first member's rows. */
const enum Member {
  /** Not met yet. */
  unseen,
  /** Met in one run only: its rows are `runOf`'s range of rows, unindexed. */
  oneRun,
  /** Its rows are in the big table. */
  hashed,
  /** Its rows of one file and no address are in a window by line; the others are hashed. */
  windowed,
}

/**
 * Slots of a window per line of its first run's rows, and a window's slots at most: the
 * window spans the first run's lines, `WINDOW_PAD + span / 4` lines before them and
 * `WINDOW_PAD + span` after (later runs mostly go on past the first one's lines), unless that
 * is more than `WINDOW_PER_ROW` slots per row of the run plus `WINDOW_SLACK` (sparse lines: the
 * member's rows go to the big table).
 */
const WINDOW_PAD = 8
const WINDOW_PER_ROW = 8
const WINDOW_SLACK = 64

/**
 * A `TupleIndex` for tuples that come in runs of one first member (a function's rows, a caller's
 * call sites), as readers give them. While a run is of a first member met for the first time, its
 * tuples are appended to the big table unindexed and looked up in a small table of the run's rows
 * alone; a file that gives each function once (callgrind's own files) never probes the big table.
 * Within such a run, a tuple past every earlier one of the run (address, then line, then the
 * rest: the order callgrind writes a function's costs in) is new without a lookup; the run's
 * table indexes the rows so appended only when some tuple goes back.
 *
 * When a first member comes back, its first run's rows (side by side) are looked at once: if
 * their lines of one file without addresses lie close together, they go into a window of that
 * member's own, one slot per line (for call sites, the first row at the line, and the rows of
 * other second members at that line chained to it), and later tuples of those
 * lines are found there with no hash and no key read; every other row is indexed in the big
 * table. A window never moves nor grows, so a tuple's place (window or big table) never
 * changes. Files that come back to functions (several dumps or threads in one file) thus find
 * most rows with one read of a small array.
 */
class RunIndex {
  readonly all: TupleIndex
  private runKey = -1
  private runStart = 0
  private fresh = false
  /** Per first member, a `Member`. */
  private member = new Uint8Array(256)
  /** Per first member met in one run: where its rows start and end. */
  private runOf = new Int32Array(512)
  /** Per windowed first member: its window's file, first line, end line and first slot. */
  private windows = new Int32Array(1024)
  /**
   * Window entries: row + 1 (0: empty); for width 6, followed by the row's second member and
   * the pool index of the next entry of the same line (0: none; such entries are added at the
   * end of the pool).
   */
  private pool = new Int32Array(3 * 1024)
  private poolUsed = 0
  /** The window of the current run (`winEnd` ≤ `winLine` when it has none). */
  private winFile = 0
  private winLine = 0
  private winEnd = 0
  private winStart = 0
  /** The greatest tuple of the run so far (members 1 to 5; see `past`), if `hasTop`. */
  private readonly top = new Int32Array(6)
  private hasTop = false
  /** Row + 1 per slot (0: empty) of the run's rows `[runStart, runIndexed)`; half empty. */
  private runSlots = new Int32Array(64)
  private runIndexed = 0

  constructor(width: 5 | 6) {
    this.all = new TupleIndex(width)
  }

  /** The row of the tuple, the next new one if absent. */
  id(a: number, b: number, c: number, d: number, e: number, f: number): number {
    if (a !== this.runKey) this.startRun(a)
    if (!this.fresh) {
      if (this.winEnd > this.winLine) {
        const wide = this.all.width === 6
        const file = wide ? c : b
        const line = wide ? d : c
        if (
          file === this.winFile &&
          line >= this.winLine &&
          line < this.winEnd &&
          (wide ? e | f : d | e) === 0
        ) {
          if (wide)
            return this.inWindow(this.winStart + 3 * (line - this.winLine), a, b, c, d, e, f)
          const at = this.winStart + line - this.winLine
          const entry = this.pool[at]
          if (entry !== 0) return entry - 1
          const row = this.all.append(a, b, c, d, e, f)
          this.pool[at] = row + 1
          return row
        }
      }
      return this.all.id(a, b, c, d, e, f)
    }
    if (!this.hasTop || this.past(b, c, d, e, f)) {
      const top = this.top
      top[1] = b
      top[2] = c
      top[3] = d
      top[4] = e
      top[5] = f
      this.hasTop = true
      return this.all.append(a, b, c, d, e, f)
    }
    return this.inRun(a, b, c, d, e, f)
  }

  /**
   * The call site of the window entry at `at` (its line's first) or of the entries chained to
   * it with the same second member `b`, a new entry at the chain's end if none.
   */
  private inWindow(
    at: number,
    a: number,
    b: number,
    c: number,
    d: number,
    e: number,
    f: number,
  ): number {
    for (;;) {
      const pool = this.pool
      const entry = pool[at]
      if (entry === 0) {
        const row = this.all.append(a, b, c, d, e, f)
        pool[at] = row + 1
        pool[at + 1] = b
        return row
      }
      if (pool[at + 1] === b) return entry - 1
      at = this.chained(at)
    }
  }

  /** The window entry chained after the one at `at`, a new empty one at the pool's end if none. */
  private chained(at: number): number {
    if (this.pool[at + 2] === 0) {
      const next = this.take(3)
      this.pool[at + 2] = next
    }
    return this.pool[at + 2]
  }

  /** `size` numbers at the end of the pool, empty: their index. */
  private take(size: number): number {
    const at = this.poolUsed
    if (at + size > this.pool.length)
      this.pool = resized(this.pool, Math.max(2 * this.pool.length, at + size))
    this.poolUsed = at + size
    return at
  }

  /** The row of the tuple among the run's, appended if absent. */
  private inRun(a: number, b: number, c: number, d: number, e: number, f: number): number {
    const all = this.all
    const w = all.width
    if (2 * (all.count - this.runStart + 1) > this.runSlots.length) {
      let size = this.runSlots.length
      while (2 * (all.count - this.runStart + 1) > size) size *= 2
      this.runSlots = new Int32Array(size)
      this.runIndexed = this.runStart
    }
    const slots = this.runSlots
    const mask = slots.length - 1
    for (let row = this.runIndexed; row < all.count; row++) {
      const h = all.hashOf(row)
      let slot = h & mask
      while (slots[slot] !== 0) slot = (slot + 1) & mask
      slots[slot] = row + 1
    }
    let slot = keyHash(w, a, b, c, d, e, f) & mask
    for (; slots[slot] !== 0; slot = (slot + 1) & mask) {
      const row = slots[slot] - 1
      if (all.holds(row, a, b, c, d, e, f)) {
        this.runIndexed = all.count
        return row
      }
    }
    const row = all.append(a, b, c, d, e, f)
    slots[slot] = row + 1
    this.runIndexed = all.count
    return row
  }

  /**
   * Whether the tuple comes after `top` in the order (address hi, address lo, line, then the
   * other members): the members ending a tuple are (line, hi, lo).
   */
  private past(b: number, c: number, d: number, e: number, f: number): boolean {
    const t = this.top
    if (this.all.width === 5) {
      // (file, line, hi, lo)
      if (d !== t[3]) return d >>> 0 > t[3] >>> 0
      if (e !== t[4]) return e >>> 0 > t[4] >>> 0
      if (c !== t[2]) return c > t[2]
      return b > t[1]
    }
    // (callee, file, line, hi, lo)
    if (e !== t[4]) return e >>> 0 > t[4] >>> 0
    if (f !== t[5]) return f >>> 0 > t[5] >>> 0
    if (d !== t[3]) return d > t[3]
    if (c !== t[2]) return c > t[2]
    return b > t[1]
  }

  private startRun(a: number): void {
    const all = this.all
    // The run that ends: where a first member's first rows end.
    if (this.fresh) this.runOf[2 * this.runKey + 1] = all.count
    this.runKey = a
    this.winEnd = this.winLine
    if (a >= this.member.length) {
      const size = Math.max(a + 1, this.member.length * 2)
      this.member = resized(this.member, size)
      this.runOf = resized(this.runOf, 2 * size)
    }
    const kind = a >= 0 ? this.member[a] : Member.hashed
    this.fresh = kind === Member.unseen
    if (this.fresh) {
      this.member[a] = Member.oneRun
      this.runOf[2 * a] = all.count
    } else if (kind === Member.oneRun) {
      this.settle(a)
    }
    if (a >= 0 && this.member[a] === Member.windowed) {
      const at = 4 * a
      this.winFile = this.windows[at]
      this.winLine = this.windows[at + 1]
      this.winEnd = this.windows[at + 2]
      this.winStart = this.windows[at + 3]
    }
    if (this.runIndexed > this.runStart) {
      // The last run used its table: empty it.
      if (this.runSlots.length === 64) this.runSlots.fill(0)
      else this.runSlots = new Int32Array(64)
    }
    this.runStart = this.runIndexed = all.count
    this.hasTop = false
  }

  /**
   * First member `a` comes back: its first run's rows go into a window of its own where they
   * can (see the class), the others into the big table.
   */
  private settle(a: number): void {
    const all = this.all
    const wide = all.width === 6
    const fileOf = wide ? all.k2 : all.k1
    const lineOf = wide ? all.k3 : all.k2
    const hiOf = wide ? all.k4 : all.k3
    const loOf = wide ? all.k5 : all.k4
    const from = this.runOf[2 * a]
    const to = this.runOf[2 * a + 1]
    // The window's file: the first row's without an address.
    let file = 0
    let first = Infinity
    let last = -Infinity
    let n = 0
    for (let row = from; row < to; row++) {
      if ((hiOf[row] | loOf[row]) !== 0) continue
      const rowFile = fileOf[row]
      const line = lineOf[row]
      if (n === 0) file = rowFile
      else if (rowFile !== file) continue
      n++
      if (line < first) first = line
      if (line > last) last = line
    }
    const span = last - first + 1
    const start = first - WINDOW_PAD - (span >> 2)
    const end = last + 1 + WINDOW_PAD + span
    if (
      n === 0 ||
      end - start > WINDOW_PER_ROW * (to - from) + WINDOW_SLACK ||
      start < -0x80000000 ||
      end > 0x7fffffff
    ) {
      this.member[a] = Member.hashed
      for (let row = from; row < to; row++) all.index(row)
      return
    }
    const stride = wide ? 3 : 1
    const base = this.take((end - start) * stride)
    if (4 * a + 4 > this.windows.length)
      this.windows = resized(this.windows, Math.max(4 * a + 4, 2 * this.windows.length))
    this.windows[4 * a] = file
    this.windows[4 * a + 1] = start
    this.windows[4 * a + 2] = end
    this.windows[4 * a + 3] = base
    this.member[a] = Member.windowed
    for (let row = from; row < to; row++) {
      const fits = fileOf[row] === file && (hiOf[row] | loOf[row]) === 0
      if (!fits) {
        all.index(row)
        continue
      }
      let slot = base + (lineOf[row] - start) * stride
      if (wide) {
        // Another callee at the line: a new entry chained to the line's last.
        while (this.pool[slot] !== 0) slot = this.chained(slot)
        this.pool[slot + 1] = all.k1[row]
      }
      this.pool[slot] = row + 1
    }
  }
}

/** The slot hash of a tuple of width `w` (see `nearHash`). */
function keyHash(w: number, a: number, b: number, c: number, d: number, e: number, f: number) {
  return w === 5 ? nearHash(a, b, 0, c, d, e) : nearHash(a, b, c, d, e, f)
}

/** The hash of a tuple ending in (line, hi, lo): a block per line >> 6 and lo >> 6, then the offset. */
function nearHash(a: number, b: number, c: number, line: number, hi: number, lo: number): number {
  return (tupleHash(a, b, c, line >>> 6, hi, lo >>> 6) + ((line + lo) & 63)) | 0
}

/** `a` copied into a new array of `size` elements, the rest 0. */
function resized<T extends Int32Array | Uint8Array>(a: T, size: number): T {
  const out = new (a.constructor as new (length: number) => T)(size)
  out.set(a)
  return out
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
    if (row < 0 || !this.lineIndex.all.holds(row, frame, file, line, hi | 0, lo | 0, 0)) {
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

  /**
   * The detail, with `files` as the file names (default: those given to `file`). Its value
   * columns are views of the builder's arrays (the unused rest of them was never written, so it
   * takes no memory): add nothing after this.
   */
  finish(files: readonly string[] = this.files): PositionDetail {
    const M = this.metricCount
    // The key columns as they are (their unused rest was never written: it takes no memory).
    const li = this.lineIndex.all
    const n = li.count
    const line = li.k2.subarray(0, n)
    const lineHi = new Uint32Array(li.k3.buffer, 0, n)
    const lineLo = new Uint32Array(li.k4.buffer, 0, n)
    let anyLine = 0
    let anyAddress = 0
    for (let r = 0; r < n; r++) {
      anyLine |= line[r]
      anyAddress |= lineHi[r] | lineLo[r]
    }
    const lines = {
      length: n,
      frame: li.k0.subarray(0, n),
      file: li.k1.subarray(0, n),
      line,
      addressHi: lineHi,
      addressLo: lineLo,
      self: this.selfValues.subarray(0, n * M),
    }
    const si = this.siteIndex.all
    const s = si.count
    const siteLine = si.k3.subarray(0, s)
    const siteHi = new Uint32Array(si.k4.buffer, 0, s)
    const siteLo = new Uint32Array(si.k5.buffer, 0, s)
    for (let r = 0; r < s; r++) {
      anyLine |= siteLine[r]
      anyAddress |= siteHi[r] | siteLo[r]
    }
    const sites = {
      length: s,
      caller: si.k0.subarray(0, s),
      callee: si.k1.subarray(0, s),
      file: si.k2.subarray(0, s),
      line: siteLine,
      addressHi: siteHi,
      addressLo: siteLo,
      total: this.siteValues.subarray(0, s * M),
      calls: this.siteCalls.subarray(0, s),
    }
    return {
      metricCount: M,
      files: [...files],
      lines,
      sites,
      hasLines: anyLine !== 0,
      hasAddresses: anyAddress !== 0,
    }
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
  const renamed = frameOf ? undefined : renamedFiles(detail, fileOf, files)
  if (renamed) return renamed
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

/**
 * `remapPositions` without frames renamed, when distinct files stay distinct or become unknown
 * (-1: callgrind's `???`) and no two rows become one: the rows stay as they are, their file
 * columns rewritten. Only rows of an unknown file can meet, so only they are looked up. Undefined
 * when the rows must be summed.
 */
function renamedFiles(
  detail: PositionDetail,
  fileOf: ArrayLike<number> | undefined,
  files: readonly string[],
): PositionDetail | undefined {
  if (fileOf) {
    // Known files must stay distinct.
    const taken = new Uint8Array(files.length)
    for (let i = 0; i < fileOf.length; i++) {
      const id = fileOf[i]
      if (id < 0) continue
      if (taken[id] === 1) return undefined
      taken[id] = 1
    }
  }
  const fi = (i: number) => (i < 0 ? -1 : fileOf ? fileOf[i] : i)
  const { lines, sites } = detail
  const lineFile = new Int32Array(lines.length)
  const unknownLines = new TupleIndex(5)
  for (let r = 0; r < lines.length; r++) {
    const file = (lineFile[r] = fi(lines.file[r]))
    if (file >= 0) continue
    const known = unknownLines.count
    const id = unknownLines.id(
      lines.frame[r],
      lines.line[r],
      lines.addressHi[r] | 0,
      lines.addressLo[r] | 0,
      0,
      0,
    )
    if (id < known) return undefined
  }
  const siteFile = new Int32Array(sites.length)
  const unknownSites = new TupleIndex(5)
  for (let r = 0; r < sites.length; r++) {
    const file = (siteFile[r] = fi(sites.file[r]))
    if (file >= 0) continue
    const known = unknownSites.count
    const id = unknownSites.id(
      sites.caller[r],
      sites.callee[r],
      sites.line[r],
      sites.addressHi[r] | 0,
      sites.addressLo[r] | 0,
      0,
    )
    if (id < known) return undefined
  }
  return {
    metricCount: detail.metricCount,
    files: [...files],
    lines: { ...lines, file: lineFile },
    sites: { ...sites, file: siteFile },
    hasLines: detail.hasLines,
    hasAddresses: detail.hasAddresses,
  }
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
  let frameCount = 0
  for (const node of graph.nodes) frameCount = Math.max(frameCount, node.frame + 1)
  const self = new Float64Array(frameCount * M)
  const hasNode = new Uint8Array(frameCount)
  for (const node of graph.nodes) {
    hasNode[node.frame] = 1
    for (let m = 0; m < M; m++) self[node.frame * M + m] = node.self[m]
  }
  checkPositionColumns(detail, self, hasNode, edgeColumns(graph, M), format)
}

/**
 * `checkPositions` for a graph given as columns, before its node objects are made: `self[frame *
 * metricCount + m]` is each node's self, `hasNode[frame]` 1 where the frame has a node.
 */
export function checkPositionColumns(
  detail: PositionDetail,
  self: Float64Array,
  hasNode: Uint8Array,
  edges: EdgeColumns,
  format: string,
): void {
  const M = detail.metricCount
  const fail = (what: string) => {
    throw new ProfconvError(format, `position detail does not add up: ${what}`)
  }
  const { lines, sites } = detail
  const frameCount = hasNode.length
  const sums = new Float64Array(frameCount * M)
  const rowFrame = lines.frame
  const rowSelf = lines.self
  let stray = false
  for (let r = 0; r < lines.length; r++) {
    const frame = rowFrame[r]
    if (frame >= 0 && frame < frameCount && hasNode[frame] === 1) {
      for (let m = 0; m < M; m++) sums[frame * M + m] += rowSelf[r * M + m]
    } else {
      for (let m = 0; m < M; m++) if (rowSelf[r * M + m] !== 0) stray = true
    }
  }
  for (let frame = 0; frame < frameCount; frame++) {
    if (hasNode[frame] === 0) continue
    for (let m = 0; m < M; m++) {
      const sum = sums[frame * M + m]
      const want = self[frame * M + m]
      if (!close(sum, want)) fail(`frame ${frame}'s rows sum to ${sum}, its self is ${want}`)
    }
  }
  if (stray) fail('a frame has costed rows but no node')

  // An arc is a distinct (caller, callee) of the edges, numbered by its first edge; sites of no
  // edge sum at `none`.
  const arcs = new ArcIndex(edges.caller, edges.callee)
  const none = edges.length
  const total = new Float64Array((none + 1) * M)
  const calls = new Float64Array(none + 1)
  const siteCaller = sites.caller
  const siteCallee = sites.callee
  const siteTotal = sites.total
  const siteCalls = sites.calls
  let edge = -1
  for (let r = 0; r < sites.length; r++) {
    const caller = siteCaller[r]
    const callee = siteCallee[r]
    // Sites mostly come in the order of their edges: the last edge, then the next, are tried first.
    if (edge < 0 || edges.caller[edge] !== caller || edges.callee[edge] !== callee) {
      edge =
        edge + 1 < none && edges.caller[edge + 1] === caller && edges.callee[edge + 1] === callee
          ? edge + 1
          : arcs.edge(caller, callee)
    }
    const at = edge < 0 ? none : arcs.arcOf[edge]
    for (let m = 0; m < M; m++) total[at * M + m] += siteTotal[r * M + m]
    if (!Number.isNaN(siteCalls[r])) calls[at] += siteCalls[r]
  }
  const name = (e: number) => `arc ${edges.caller[e]} -> ${edges.callee[e]}`
  for (let e = 0; e < edges.length; e++) {
    const arc = arcs.arcOf[e]
    for (let m = 0; m < M; m++) {
      const want = edges.total[e * M + m]
      const sum = total[arc * M + m]
      if (!close(sum, Number.isNaN(want) ? 0 : want))
        fail(`${name(e)}'s sites sum to ${sum}, its total is ${want}`)
    }
    const want = Number.isNaN(edges.calls[e]) ? 0 : edges.calls[e]
    if (!close(calls[arc], want))
      fail(`${name(e)}'s sites make ${calls[arc]} calls, the arc ${want}`)
  }
  for (let m = 0; m < M; m++) if (total[none * M + m] !== 0) fail('a call site has no arc')
  if (calls[none] !== 0) fail('a call site has no arc')
}

/**
 * The edges of a graph by caller (each caller's edges side by side, a counting sort): finds the
 * edge of a (caller, callee) by a short scan of the caller's own, with no hash of all pairs. A
 * caller of many edges gets a map of its callees.
 */
class ArcIndex {
  /** Per edge, the first edge of its (caller, callee): the arc's number. */
  readonly arcOf: Int32Array
  private readonly min: number
  /** Per caller - `min`, where its edges start in `order`; one more at the end. */
  private readonly first: Int32Array
  /** Edge indices by caller, in edge order, and their callees. */
  private readonly order: Int32Array
  private readonly callees: Int32Array
  private readonly many = new Map<number, Map<number, number>>()

  constructor(caller: Int32Array, callee: Int32Array) {
    const n = caller.length
    let min = 0
    let max = -1
    for (let e = 0; e < n; e++) {
      if (caller[e] < min) min = caller[e]
      if (caller[e] > max) max = caller[e]
    }
    this.min = min
    const first = new Int32Array(max - min + 2)
    for (let e = 0; e < n; e++) first[caller[e] - min + 1]++
    for (let c = 1; c < first.length; c++) first[c] += first[c - 1]
    const next = first.slice(0, first.length - 1)
    const order = new Int32Array(n)
    const callees = new Int32Array(n)
    for (let e = 0; e < n; e++) {
      const at = next[caller[e] - min]++
      order[at] = e
      callees[at] = callee[e]
    }
    this.first = first
    this.order = order
    this.callees = callees
    const arcOf = new Int32Array(n)
    for (let c = 0; c + 1 < first.length; c++) {
      const from = first[c]
      const to = first[c + 1]
      if (to - from > MANY) {
        const map = new Map<number, number>()
        for (let i = from; i < to; i++) {
          const known = map.get(callees[i])
          if (known === undefined) map.set(callees[i], order[i])
          arcOf[order[i]] = known ?? order[i]
        }
        this.many.set(c + min, map)
        continue
      }
      for (let i = from; i < to; i++) {
        let j = from
        while (callees[j] !== callees[i]) j++
        arcOf[order[i]] = order[j]
      }
    }
    this.arcOf = arcOf
  }

  /** An edge from `caller` to `callee` (the first), or -1. */
  edge(caller: number, callee: number): number {
    const c = caller - this.min
    if (c < 0 || c + 1 >= this.first.length) return -1
    const from = this.first[c]
    const to = this.first[c + 1]
    if (to - from > MANY) return this.many.get(caller)!.get(callee) ?? -1
    for (let i = from; i < to; i++) if (this.callees[i] === callee) return this.order[i]
    return -1
  }
}

/** Callers with more edges than this are looked up through a map. */
const MANY = 16

/**
 * A pstats table in columns: what both the marshal scanner and the generic readers (the
 * marshal tree, JSON) produce, and what `tableToProfile` turns into the model. A million caller
 * records are 41 bytes each in typed arrays here, not an object per record.
 */
export class StatsTable {
  readonly keys = new KeyTable()
  /** How many entries and records are set: the arrays below have room for more. */
  entries = 0
  records = 0
  /** Per function entry, in table order: its key id and `cc nc tt ct`. */
  entryKey = new Int32Array(256)
  entryCc = new Float64Array(256)
  entryNc = new Float64Array(256)
  entryTt = new Float64Array(256)
  entryCt = new Float64Array(256)
  /**
   * Per caller record, in table order: the caller's key id, the entry it belongs to (whose
   * function is the callee) and `nc cc tt ct` (cProfile's order); `countOnly` records (Python's
   * `profile` module) carry only `nc`.
   */
  recordKey = new Int32Array(1024)
  recordEntry = new Int32Array(1024)
  recordNc = new Float64Array(1024)
  recordCc = new Float64Array(1024)
  recordTt = new Float64Array(1024)
  recordCt = new Float64Array(1024)
  recordCountOnly = new Uint8Array(1024)

  /** Adds a function entry; returns its index for `caller`. */
  entry(key: number, cc: number, nc: number, tt: number, ct: number): number {
    if (this.entries === this.entryKey.length) this.growEntries()
    const i = this.entries++
    this.entryKey[i] = key
    this.entryCc[i] = cc
    this.entryNc[i] = nc
    this.entryTt[i] = tt
    this.entryCt[i] = ct
    return i
  }

  /** A caller's `(nc, cc, tt, ct)` tuple under `entry`. */
  caller(entry: number, key: number, nc: number, cc: number, tt: number, ct: number): void {
    if (this.records === this.recordKey.length) this.growRecords()
    const r = this.records++
    this.recordEntry[r] = entry
    this.recordKey[r] = key
    this.recordNc[r] = nc
    this.recordCc[r] = cc
    this.recordTt[r] = tt
    this.recordCt[r] = ct
  }

  /** A caller's bare call count under `entry` (Python's `profile` module). */
  callerCount(entry: number, key: number, nc: number): void {
    this.caller(entry, key, nc, 0, 0, 0)
    this.recordCountOnly[this.records - 1] = 1
  }

  private growEntries(): void {
    this.entryKey = doubled(this.entryKey)
    this.entryCc = doubled(this.entryCc)
    this.entryNc = doubled(this.entryNc)
    this.entryTt = doubled(this.entryTt)
    this.entryCt = doubled(this.entryCt)
  }

  private growRecords(): void {
    this.recordKey = doubled(this.recordKey)
    this.recordEntry = doubled(this.recordEntry)
    this.recordNc = doubled(this.recordNc)
    this.recordCc = doubled(this.recordCc)
    this.recordTt = doubled(this.recordTt)
    this.recordCt = doubled(this.recordCt)
    this.recordCountOnly = doubled(this.recordCountOnly)
  }
}

/** A typed array of twice the length, holding `a` at its start. */
function doubled<A extends Int32Array | Float64Array | Uint8Array>(a: A): A {
  const b = new (a.constructor as new (length: number) => A)(a.length * 2)
  b.set(a)
  return b
}

/**
 * pstats keys `(file, line, name)` interned: strings by value once each (`string`), then keys
 * by their string ids and line in an open-addressing hash table, so that a key met a million
 * times costs three small integers and one probe, never a string hash.
 */
export class KeyTable {
  readonly strings: string[] = []
  readonly keyFile: number[] = []
  readonly keyLine: number[] = []
  readonly keyName: number[] = []
  private readonly stringIds = new Map<string, number>()
  /** Key id + 1 per slot (0 = empty); the size is a power of two, at most half full. */
  private slots = new Int32Array(1024)

  /** The id of a string, added if new. */
  string(s: string): number {
    let id = this.stringIds.get(s)
    if (id === undefined) {
      id = this.strings.length
      this.strings.push(s)
      this.stringIds.set(s, id)
    }
    return id
  }

  /** The id of the key of these string ids and line, added if new. */
  key(file: number, line: number, name: number): number {
    const mask = this.slots.length - 1
    let slot = keyHash(file, line, name) & mask
    for (;;) {
      const id = this.slots[slot] - 1
      if (id < 0) break
      if (this.keyName[id] === name && this.keyFile[id] === file && this.keyLine[id] === line) {
        return id
      }
      slot = (slot + 1) & mask
    }
    const id = this.keyName.length
    this.keyFile.push(file)
    this.keyLine.push(line)
    this.keyName.push(name)
    this.slots[slot] = id + 1
    if (2 * this.keyName.length > this.slots.length) this.grow()
    return id
  }

  /** The id of a key given as text (the generic readers). */
  keyOf(file: string, line: number, name: string): number {
    return this.key(this.string(file), line, this.string(name))
  }

  get length(): number {
    return this.keyName.length
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2)
    const mask = this.slots.length - 1
    for (let id = 0; id < this.keyName.length; id++) {
      let slot = keyHash(this.keyFile[id], this.keyLine[id], this.keyName[id]) & mask
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask
      this.slots[slot] = id + 1
    }
  }
}

/** A 32-bit mix of a key's parts (exported for its test). */
export function keyHash(file: number, line: number, name: number): number {
  let h = Math.imul(name, 0x9e3779b1) ^ Math.imul(file + 0x7f4a7c15, 0x85ebca6b)
  h ^= Math.imul(lineBits(line), 0xc2b2ae35)
  h ^= h >>> 15
  return Math.imul(h, 0x2c1b3c6d) ^ (h >>> 13)
}

const double = new Float64Array(1)
const doubleWords = new Int32Array(double.buffer)

/**
 * A line as 32 bits: itself when an int32, else its double's two words mixed (so that a
 * hostile file of fractional lines does not put every key in one probe chain).
 */
function lineBits(line: number): number {
  if ((line | 0) === line) return line
  double[0] = line
  return doubleWords[0] ^ Math.imul(doubleWords[1], 0x27d4eb2f)
}

import { StatsTable } from './stats-table.js'

/**
 * The fast path of the pstats reader: one walk over the marshal bytes of a stats dict straight
 * into a `StatsTable`, with no tree of JavaScript values in between.
 *
 * CPython writes each key string once and refers back to it (FLAG_REF, then `r` + index), and
 * our own writer does the same for whole key tuples; so references are resolved to string ids,
 * numbers and key ids in typed arrays, and a caller key met a million times costs one memo
 * lookup (see `key`). Only the shapes real pstats files have are handled. On anything else
 * (code objects in keys, long ints, lists, inf/nan, truncation, garbage) `scanPstats` returns
 * undefined and the caller decodes the file with the general `unmarshal`, which also produces
 * the error messages and positions.
 */
export function scanPstats(bytes: Uint8Array): StatsTable | undefined {
  try {
    return new Scanner(bytes).table()
  } catch (error) {
    if (error instanceof Unusual) return undefined
    throw error
  }
}

/** Thrown inside the scanner when the input needs the general decoder. */
class Unusual extends Error {}

const FLAG_REF = 0x80
/** What a back-reference slot holds (the kinds the scanner understands). */
const PENDING = 0
const STRING = 1
const NUMBER = 2
const KEY = 3

const utf8 = new TextDecoder('utf-8')
const latin1 = new TextDecoder('latin1')

class Scanner {
  private pos = 0
  private readonly view: DataView
  private readonly out = new StatsTable()
  /** FLAG_REF slots in file order: what each holds, and its string id, number or key id. */
  private refKind = new Uint8Array(1024)
  private refValue = new Float64Array(1024)
  private refCount = 0
  /**
   * Per name slot: the key id + 1 last read as `(r file, r|i line, r name)`, the file slot, the
   * line's type byte and its slot or value (see `key`).
   */
  private keyMemo = new Int32Array(4 * 1024)
  /** Python 2's interned strings (`t`), by `R` index, as string ids. */
  private readonly interned: number[] = []

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  /** `{key: (cc, nc, tt, ct, {callerKey: (nc, cc, tt, ct) | nc}), …}` */
  table(): StatsTable {
    this.dictStart()
    while (!this.dictEnd()) {
      const key = this.key()
      this.tupleStart(5)
      const entry = this.out.entry(key, this.number(), this.number(), this.number(), this.number())
      this.dictStart()
      while (!this.dictEnd()) this.caller(entry)
    }
    return this.out
  }

  private caller(entry: number): void {
    const key = this.key()
    const type = this.peek() & ~FLAG_REF
    if (type === 0x28 || type === 0x29) {
      this.tupleStart(4)
      const nc = this.number()
      const cc = this.number()
      const tt = this.number()
      this.out.caller(entry, key, nc, cc, tt, this.number())
    } else {
      this.out.callerCount(entry, key, this.number())
    }
  }

  /**
   * A `(file, line, name)` key, or a back-reference to one; returns its key id. CPython writes
   * a key met before as a small tuple `)` 3 of a reference to the file, the line (a reference,
   * or an int when the line number object was not shared) and a reference to the name: the
   * bulk of a big file. Those 17 bytes are remembered by the name's slot with the key id they
   * gave, so a repeated key costs one lookup instead of three values and a hash probe.
   */
  private key(): number {
    const at = this.pos
    const b = this.bytes
    let memo = -1
    if (at + 17 <= b.length && b[at] === 0x29 && b[at + 1] === 3) {
      const refs = b[at + 2] === 0x72 && b[at + 12] === 0x72
      const line = b[at + 7]
      const name = this.view.getInt32(at + 13, true)
      if (refs && (line === 0x72 || line === 0x69) && name >= 0 && name < this.refCount) {
        memo = 4 * name
        const known = this.keyMemo
        if (
          known[memo] > 0 &&
          known[memo + 1] === this.view.getInt32(at + 3, true) &&
          known[memo + 2] === line &&
          known[memo + 3] === this.view.getInt32(at + 8, true)
        ) {
          this.pos = at + 17
          return known[memo] - 1
        }
      }
    }
    if (b[at] === 0x72) {
      this.pos++
      return this.reference(KEY)
    }
    const slot = this.tupleStart(3)
    const file = this.string()
    const line = this.number()
    const id = this.out.keys.key(file, line, this.string())
    if (slot >= 0) this.resolve(slot, KEY, id)
    if (memo >= 0 && this.pos === at + 17) {
      // Read as three plain values: remember their bytes.
      this.keyMemo[memo] = id + 1
      this.keyMemo[memo + 1] = this.view.getInt32(at + 3, true)
      this.keyMemo[memo + 2] = b[at + 7]
      this.keyMemo[memo + 3] = this.view.getInt32(at + 8, true)
    }
    return id
  }

  /** A str (or Python 2 bytes), by string id. */
  private string(): number {
    const byte = this.u8()
    if (byte === 0x72) return this.reference(STRING) // r
    if (byte === 0x52) return this.interned[this.index(this.interned.length)] // R (Python 2)
    const type = byte & ~FLAG_REF
    const slot = byte & FLAG_REF ? this.reserve() : -1
    let text: string
    switch (type) {
      case 0x7a: // z: short ASCII
      case 0x5a: // Z: short ASCII, interned
        text = latin1.decode(this.take(this.u8()))
        break
      case 0x61: // a: ASCII
      case 0x41: // A: ASCII, interned
        text = latin1.decode(this.take(this.length()))
        break
      case 0x75: // u: UTF-8
      case 0x74: // t: UTF-8, interned (Python 2: bytes, added to the `R` list)
      case 0x73: // s: Python 2 bytes, read as UTF-8
        text = utf8.decode(this.take(this.length()))
        break
      default:
        throw new Unusual() // a code object, or not a string at all
    }
    const id = this.out.keys.string(text)
    if (type === 0x74) this.interned.push(id)
    if (slot >= 0) this.resolve(slot, STRING, id)
    return id
  }

  /** An int or float that fits a finite double (anything else goes to the general path). */
  private number(): number {
    const byte = this.u8()
    if (byte === 0x72) return this.reference(NUMBER) // r
    const type = byte & ~FLAG_REF
    let value: number
    if (type === 0x69) {
      // i: int32
      this.need(4)
      value = this.view.getInt32(this.pos, true)
      this.pos += 4
    } else if (type === 0x67) {
      // g: binary float
      this.need(8)
      value = this.view.getFloat64(this.pos, true)
      this.pos += 8
      if (!Number.isFinite(value)) throw new Unusual()
    } else {
      throw new Unusual()
    }
    if (byte & FLAG_REF) this.resolve(this.reserve(), NUMBER, value)
    return value
  }

  /** `r` + index to a slot of `kind` (a type byte already read); returns the slot's value. */
  private reference(kind: number): number {
    const slot = this.index(this.refCount)
    if (this.refKind[slot] !== kind) throw new Unusual()
    return this.refValue[slot]
  }

  /** A tuple of exactly `n` items starts: `(` + int32 count or small `)` + byte count. */
  private tupleStart(n: number): number {
    const byte = this.u8()
    const type = byte & ~FLAG_REF
    const slot = byte & FLAG_REF ? this.reserve() : -1
    if (type === 0x29) {
      if (this.u8() !== n) throw new Unusual()
    } else if (type !== 0x28 || this.length() !== n) {
      throw new Unusual()
    }
    return slot
  }

  private dictStart(): void {
    const byte = this.u8()
    if ((byte & ~FLAG_REF) !== 0x7b) throw new Unusual()
    // Its slot stays pending: a key or number that refers back to a dict is unusual.
    if (byte & FLAG_REF) this.reserve()
  }

  /** True (and consumed) at a dict's `0` end marker. */
  private dictEnd(): boolean {
    if (this.peek() !== 0x30) return false
    this.pos++
    return true
  }

  /** A new FLAG_REF slot, pending until its object is complete (as CPython numbers them). */
  private reserve(): number {
    if (this.refCount === this.refKind.length) {
      const kind = new Uint8Array(this.refCount * 2)
      kind.set(this.refKind)
      const value = new Float64Array(this.refCount * 2)
      value.set(this.refValue)
      this.refKind = kind
      this.refValue = value
      const memo = new Int32Array(4 * this.refCount * 2)
      memo.set(this.keyMemo)
      this.keyMemo = memo
    }
    this.refKind[this.refCount] = PENDING
    return this.refCount++
  }

  private resolve(slot: number, kind: number, value: number): void {
    this.refKind[slot] = kind
    this.refValue[slot] = value
  }

  /** An int32 index below `limit`. */
  private index(limit: number): number {
    this.need(4)
    const i = this.view.getInt32(this.pos, true)
    this.pos += 4
    if (i < 0 || i >= limit) throw new Unusual()
    return i
  }

  /** An int32 length (`take` checks that the file holds that much). */
  private length(): number {
    return this.index(this.bytes.length)
  }

  private take(n: number): Uint8Array {
    this.need(n)
    const out = this.bytes.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  private peek(): number {
    this.need(1)
    return this.bytes[this.pos]
  }

  private u8(): number {
    this.need(1)
    return this.bytes[this.pos++]
  }

  private need(n: number): void {
    if (this.pos + n > this.bytes.length) throw new Unusual()
  }
}

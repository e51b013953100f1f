const FLAG_REF = 0x80
const utf8 = new TextEncoder()

/**
 * Writes Python `marshal` version 4 (what Python 3's `pstats.dump_stats` writes): the caller
 * drives it value by value. Objects written with `ref: true` get a FLAG_REF index that
 * `backRef` can point to later; strings are deduplicated that way automatically.
 */
export class MarshalWriter {
  private buf = new Uint8Array(1 << 16)
  private view = new DataView(this.buf.buffer)
  private pos = 0
  private refCount = 0
  private readonly stringRefs = new Map<string, number>()

  /** Python int: 32-bit `i`, or `l` (base 2^15 digits) beyond. */
  int(n: number): void {
    if (Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31) {
      this.byte(0x69) // 'i'
      this.i32(n)
      return
    }
    if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${n}`)
    const digits: number[] = []
    for (let v = BigInt(Math.abs(n)); v > 0n; v >>= 15n) digits.push(Number(v & 0x7fffn))
    this.byte(0x6c) // 'l'
    this.i32(n < 0 ? -digits.length : digits.length)
    for (const d of digits) this.u16(d)
  }

  /** Python float, binary (`g`). */
  float(x: number): void {
    this.byte(0x67)
    this.ensure(8)
    this.view.setFloat64(this.pos, x, true)
    this.pos += 8
  }

  /** Python str; a repeated string is written once and referenced after. */
  str(s: string): void {
    const known = this.stringRefs.get(s)
    if (known !== undefined) return this.backRef(known)
    this.stringRefs.set(s, this.refCount)
    const bytes = utf8.encode(s)
    const isAscii = bytes.length === s.length
    if (isAscii && bytes.length < 256) {
      this.byte(0x7a | FLAG_REF) // 'z' short ascii
      this.refCount++
      this.byte(bytes.length)
    } else {
      this.byte((isAscii ? 0x61 : 0x75) | FLAG_REF) // 'a' ascii or 'u' unicode
      this.refCount++
      this.i32(bytes.length)
    }
    this.bytes(bytes)
  }

  /** Starts a tuple of `n` items; returns its reference index when `ref` is set. */
  tuple(n: number, ref = false): number {
    const flag = ref ? FLAG_REF : 0
    if (n < 256) {
      this.byte(0x29 | flag) // ')' small tuple
      this.byte(n)
    } else {
      this.byte(0x28 | flag) // '('
      this.i32(n)
    }
    return ref ? this.refCount++ : -1
  }

  dictStart(): void {
    this.byte(0x7b) // '{'
  }

  dictEnd(): void {
    this.byte(0x30) // '0' NULL terminates a dict
  }

  /** A reference to an object written earlier with a ref index. */
  backRef(index: number): void {
    this.byte(0x72) // 'r'
    this.i32(index)
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos)
  }

  private byte(b: number): void {
    this.ensure(1)
    this.buf[this.pos++] = b
  }

  private i32(n: number): void {
    this.ensure(4)
    this.view.setInt32(this.pos, n, true)
    this.pos += 4
  }

  private u16(n: number): void {
    this.ensure(2)
    this.view.setUint16(this.pos, n, true)
    this.pos += 2
  }

  private bytes(b: Uint8Array): void {
    this.ensure(b.length)
    this.buf.set(b, this.pos)
    this.pos += b.length
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.pos + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf)
    this.buf = next
    this.view = new DataView(next.buffer)
  }
}

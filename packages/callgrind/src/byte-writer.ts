import { writeDecimal } from '@profconv/model'

const utf8 = new TextEncoder()

/**
 * Text written straight into bytes, in a buffer grown by doubling: a file of millions of lines
 * without a string per line or per number (and beyond the 512 MiB a string can hold).
 */
export class ByteWriter {
  private buf: Uint8Array
  private length = 0

  /** `size`: the bytes to make room for at first (a good guess saves growing by copies). */
  constructor(size = 1 << 16) {
    this.buf = new Uint8Array(size)
  }

  /** Writes `text` as UTF-8. */
  text(text: string): void {
    this.reserve(3 * text.length) // UTF-8 takes at most 3 bytes per UTF-16 unit
    const buf = this.buf
    let at = this.length
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c >= 0x80) {
        at += utf8.encodeInto(text.slice(i), buf.subarray(at)).written
        break
      }
      buf[at++] = c
    }
    this.length = at
  }

  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length)
    this.buf.set(bytes, this.length)
    this.length += bytes.length
  }

  byte(c: number): void {
    this.reserve(1)
    this.buf[this.length++] = c
  }

  /** Writes `n` as `String(n)` would: digit by digit for the usual non-negative integers. */
  number(n: number): void {
    if (!(n >= 0 && Number.isSafeInteger(n))) return this.text(String(n))
    this.reserve(16)
    if (n >= 1e9) {
      // Exact for any safe integer: `%` of doubles is exact, and so is dividing a multiple.
      const low = n % 1e9
      this.digits((n - low) / 1e9, 0)
      this.digits(low, 9)
    } else this.digits(n, 0)
  }

  /** The bytes written so far (a view of the buffer: no copy). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.length)
  }

  /** Writes `n` (below 1e9) in decimal, padded with zeros to `width` digits. */
  private digits(n: number, width: number): void {
    this.length = writeDecimal(this.buf, this.length, n, width)
  }

  private reserve(more: number): void {
    if (this.length + more <= this.buf.length) return
    const grown = new Uint8Array(Math.max(this.length + more, 2 * this.buf.length))
    grown.set(this.buf.subarray(0, this.length))
    this.buf = grown
  }
}

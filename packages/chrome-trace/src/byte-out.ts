const encoder = new TextEncoder()

/**
 * Output bytes in one buffer that doubles as it fills: text pieces are encoded once by the
 * caller (`ByteOut.encode`) and copied in, numbers are written digit by digit. No string per
 * event and no string of the whole output.
 */
export class ByteOut {
  private buffer = new Uint8Array(1 << 20)
  private length = 0
  private readonly digits = new Uint8Array(24)

  /** `text` as UTF-8 bytes, for pieces written many times. */
  static encode(text: string): Uint8Array {
    return encoder.encode(text)
  }

  /** Appends `bytes`. */
  bytes(bytes: Uint8Array): void {
    const n = bytes.length
    if (this.length + n > this.buffer.length) this.grow(n)
    const buffer = this.buffer
    let at = this.length
    if (n < 64) for (let i = 0; i < n; i++) buffer[at++] = bytes[i]
    else buffer.set(bytes, at)
    this.length += n
  }

  /** Appends `text` (encoded now: for pieces written once). */
  text(text: string): void {
    this.bytes(encoder.encode(text))
  }

  /**
   * Appends `value` rounded to 3 decimals as JSON writes the rounded number (`12`, `0.5`,
   * `1234.125`): microseconds to the nanosecond.
   */
  fixed3(value: number): void {
    const scaled = Math.round(value * 1000)
    if (!(scaled >= 0 && scaled <= Number.MAX_SAFE_INTEGER)) {
      this.text(JSON.stringify(scaled / 1000))
      return
    }
    if (this.length + 24 > this.buffer.length) this.grow(24)
    const whole = Math.floor(scaled / 1000)
    const fraction = scaled - whole * 1000
    this.integer(whole)
    if (fraction === 0) return
    const buffer = this.buffer
    buffer[this.length++] = 0x2e // .
    const d1 = Math.floor(fraction / 100)
    const d2 = Math.floor(fraction / 10) % 10
    const d3 = fraction % 10
    buffer[this.length++] = 0x30 + d1
    if (d2 !== 0 || d3 !== 0) buffer[this.length++] = 0x30 + d2
    if (d3 !== 0) buffer[this.length++] = 0x30 + d3
  }

  /** Appends a non-negative safe integer (room for it is made by the caller). */
  private integer(value: number): void {
    const digits = this.digits
    let n = 0
    do {
      const next = Math.floor(value / 10)
      digits[n++] = 0x30 + (value - next * 10)
      value = next
    } while (value > 0)
    const buffer = this.buffer
    while (n > 0) buffer[this.length++] = digits[--n]
  }

  /** The bytes written (a view of the buffer, not a copy). */
  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length)
  }

  private grow(needed: number): void {
    let size = this.buffer.length * 2
    while (size < this.length + needed) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.buffer.subarray(0, this.length))
    this.buffer = grown
  }
}

const encoder = new TextEncoder()

/**
 * Output bytes: text pieces are encoded once by the caller (`ByteOut.encode`) and copied in,
 * numbers are written digit by digit. No string per event and no string of the whole output.
 *
 * With a `sink`, the output goes out in pieces: each time the buffer fills, its bytes are handed
 * to the sink and the same buffer is written again, so memory stays one buffer whatever the
 * output's size (and the buffer stays in the CPU's cache). Without one, the output is one
 * buffer: a writer that knows about how much it writes says so (`capacity`), the buffer is then
 * allocated once (pages it never touches cost no memory), else it doubles as it fills.
 *
 * A `dictionary` (pieces written millions of times, one after the other) sits at the head of the
 * buffer, before the output: `copy` writes a piece of it with one copy inside the buffer, where
 * millions of small arrays scattered in memory cost a cache miss each (2–3× slower measured).
 */
export class ByteOut {
  private buffer: Uint8Array
  /** Where the output starts in the buffer: after the dictionary. */
  private readonly base: number
  private length: number
  /** Bytes handed to the sink before the buffer's. */
  private flushed = 0

  /**
   * @param capacity - the buffer's first size, the dictionary's not counted (with a sink, its
   *   size for good).
   * @param sink - takes each full buffer's bytes; they are only valid during the call.
   * @param dictionary - bytes for `copy`, not part of the output.
   */
  constructor(
    capacity = 1 << 20,
    private readonly sink?: (chunk: Uint8Array) => void,
    dictionary: Uint8Array = new Uint8Array(0),
  ) {
    const size = Number.isFinite(capacity) ? Math.min(capacity, MAX_START) : 0
    this.base = dictionary.length
    this.buffer = new Uint8Array(this.base + Math.max(1024, size))
    this.buffer.set(dictionary)
    this.length = this.base
  }

  /** `text` as UTF-8 bytes, for pieces written many times. */
  static encode(text: string): Uint8Array {
    return encoder.encode(text)
  }

  /** Makes room for `n` more bytes (for `put` and `fixed3`). */
  room(n: number): void {
    if (this.length + n > this.buffer.length) this.flushOrGrow(n)
  }

  /** Appends `bytes`. */
  bytes(bytes: Uint8Array): void {
    this.room(bytes.length)
    this.put(bytes)
  }

  /** How many bytes have been written so far: a position for `repeat`. */
  get position(): number {
    return this.flushed + this.length - this.base
  }

  /**
   * Appends again the bytes written from `position` `from` to `to`, where `room` was made, and
   * returns true; false (nothing written) when they are no longer in the buffer (handed to the
   * sink).
   */
  repeat(from: number, to: number): boolean {
    if (from < this.flushed) return false
    const at = this.base - this.flushed
    this.buffer.copyWithin(this.length, at + from, at + to)
    this.length += to - from
    return true
  }

  /** Appends the dictionary's bytes `from` to `to`, where `room` was made. */
  copy(from: number, to: number): void {
    this.buffer.copyWithin(this.length, from, to)
    this.length += to - from
  }

  /** Appends `bytes` where `room` was made. */
  put(bytes: Uint8Array): void {
    // set() beats a loop of byte copies from a few bytes up.
    this.buffer.set(bytes, this.length)
    this.length += bytes.length
  }

  /** Appends `,"dur":` where `room` was made: byte by byte, cheaper than a copy this short. */
  durKey(): void {
    const buffer = this.buffer
    const at = this.length
    buffer[at] = 0x2c // ,
    buffer[at + 1] = 0x22 // "
    buffer[at + 2] = 0x64 // d
    buffer[at + 3] = 0x75 // u
    buffer[at + 4] = 0x72 // r
    buffer[at + 5] = 0x22 // "
    buffer[at + 6] = 0x3a // :
    this.length = at + 7
  }

  /**
   * Takes back the last `n` bytes written, which must still be in the buffer: no `room` (nor
   * anything making room) since they were written.
   */
  takeBack(n: number): void {
    if (n > this.length - this.base) {
      throw new Error('ByteOut.takeBack: the bytes were handed out already')
    }
    this.length -= n
  }

  /** Appends `text` (encoded now: for pieces written once). */
  text(text: string): void {
    this.bytes(encoder.encode(text))
  }

  /**
   * Appends `value` rounded to 3 decimals as JSON writes the rounded number (`12`, `0.5`,
   * `1234.125`): microseconds to the nanosecond. Needs room for 24 bytes (`room`).
   */
  fixed3(value: number): void {
    const scaled = Math.round(value * 1000)
    if (!(scaled >= 0 && scaled <= Number.MAX_SAFE_INTEGER)) {
      this.text(JSON.stringify(scaled / 1000))
      return
    }
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

  /** Appends numbers (each plus `add`) separated by commas, as `JSON.stringify` writes them. */
  numbers(values: ArrayLike<number>, add = 0): void {
    for (let i = 0; i < values.length; i++) {
      this.room(25)
      if (i > 0) this.buffer[this.length++] = 0x2c // ,
      const value = values[i] + add
      if (Number.isSafeInteger(value) && value >= 0) this.integer(value)
      else this.text(JSON.stringify(value))
    }
  }

  /**
   * Appends a non-negative safe integer, two digits at a time from its end. Needs room for 16
   * bytes (`room`).
   */
  integer(value: number): void {
    let digits = 1
    for (let limit = 10; value >= limit && digits < 16; limit *= 10) digits++
    const buffer = this.buffer
    let at = this.length + digits
    this.length = at
    while (value >= 100) {
      const next = Math.floor(value / 100)
      const pair = (value - next * 100) * 2
      buffer[--at] = PAIRS[pair + 1]
      buffer[--at] = PAIRS[pair]
      value = next
    }
    if (value >= 10) {
      buffer[--at] = PAIRS[value * 2 + 1]
      buffer[--at] = PAIRS[value * 2]
    } else {
      buffer[--at] = 0x30 + value
    }
  }

  /**
   * The bytes written (a view of the buffer, not a copy); with a sink, the last piece goes to
   * the sink and nothing is returned.
   */
  finish(): Uint8Array {
    if (!this.sink) return this.buffer.subarray(this.base, this.length)
    this.flush()
    return new Uint8Array(0)
  }

  private flushOrGrow(needed: number): void {
    if (this.sink) {
      this.flush()
      if (this.length + needed <= this.buffer.length) return
    }
    let size = Math.max(1024, this.buffer.length * 2)
    while (size < this.length + needed) size *= 2
    const grown = new Uint8Array(size)
    grown.set(this.buffer.subarray(0, this.length))
    this.buffer = grown
  }

  private flush(): void {
    if (this.length > this.base) this.sink!(this.buffer.subarray(this.base, this.length))
    this.flushed += this.length - this.base
    this.length = this.base
  }
}

/** The digits of 00 to 99. */
const PAIRS = Uint8Array.from({ length: 200 }, (_, i) =>
  i % 2 === 0 ? 0x30 + Math.floor(i / 20) : 0x30 + ((i >> 1) % 10),
)

/** The largest buffer allocated up front (a larger output grows from it). */
const MAX_START = 2 ** 31

import { concatBytes, writeDecimal } from '@profconv/model'

/**
 * A text built from many pieces, kept as UTF-8 in one growing byte buffer and decoded once.
 *
 * A big drawing is 130k statements and 20 MB of text. Kept as strings until the end, every
 * piece survives each young-generation collection and is copied by it (a third of the run went
 * to the garbage collector); in a buffer, a statement's string dies young and costs nothing to
 * collect. `TextEncoder.encodeInto` and `TextDecoder` do the copying natively.
 *
 * Exact for any string: UTF-8 cannot hold a lone surrogate, so a piece that has one is kept
 * aside as it is and put back in place when the text is decoded.
 */
export class TextBuffer {
  private bytes: Uint8Array
  private length = 0
  /** Pieces with lone surrogates, by the byte offset where they belong. */
  private readonly asides: { at: number; text: string }[] = []
  private readonly encoder = new TextEncoder()

  /** `capacity`: the bytes expected; a good guess saves growing (copying) the buffer. */
  constructor(capacity = 1 << 16) {
    this.bytes = new Uint8Array(capacity)
  }

  add(text: string): void {
    // At most 3 UTF-8 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    this.reserve(text.length * 3)
    if (text.length > SHORT) return this.encode(text)
    // Byte by byte: cheaper than a call into the encoder for a short piece. Surrogates (pairs
    // or not) are left to `encode`.
    const bytes = this.bytes
    let at = this.length
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c < 0x80) bytes[at++] = c
      else if (c < 0x800) {
        bytes[at++] = 0xc0 | (c >> 6)
        bytes[at++] = 0x80 | (c & 0x3f)
      } else if (c < 0xd800 || c > 0xdfff) {
        bytes[at++] = 0xe0 | (c >> 12)
        bytes[at++] = 0x80 | ((c >> 6) & 0x3f)
        bytes[at++] = 0x80 | (c & 0x3f)
      } else return this.encode(text)
    }
    this.length = at
  }

  /** Writes a non-negative integer (a frame id, a call count) as `String(n)` would. */
  int(n: number): void {
    if (!(n >= 0 && n < 1e9 && Number.isInteger(n))) return this.add(String(n))
    this.reserve(10)
    this.length = writeDecimal(this.bytes, this.length, n)
  }

  /** Writes `text` (from its start) by the native encoder. */
  private encode(text: string): void {
    const { read, written } = this.encoder.encodeInto(text, this.bytes.subarray(this.length))
    // Every character beyond ASCII takes more bytes than units, so most pieces skip the check.
    if (written !== read && LONE_SURROGATE.test(text)) this.asides.push({ at: this.length, text })
    else this.length += written
  }

  /**
   * The text as UTF-8 (the buffer itself where no piece was kept aside; a lone surrogate
   * becomes U+FFFD, as encoding `toString()` would make it).
   */
  toBytes(): Uint8Array {
    if (this.asides.length === 0) return this.bytes.subarray(0, this.length)
    const parts: Uint8Array[] = []
    let from = 0
    for (const { at, text } of this.asides) {
      parts.push(this.bytes.subarray(from, at), this.encoder.encode(text))
      from = at
    }
    parts.push(this.bytes.subarray(from, this.length))
    return concatBytes(parts)
  }

  toString(): string {
    // ignoreBOM: a piece starting with U+FEFF keeps it (by default the decoder drops it).
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
    const parts: string[] = []
    let from = 0
    for (const { at, text } of this.asides) {
      parts.push(decoder.decode(this.bytes.subarray(from, at)), text)
      from = at
    }
    parts.push(decoder.decode(this.bytes.subarray(from, this.length)))
    return parts.length === 1 ? parts[0] : parts.join('')
  }

  private reserve(more: number): void {
    if (this.length + more <= this.bytes.length) return
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + more))
    grown.set(this.bytes.subarray(0, this.length))
    this.bytes = grown
  }
}

/** Pieces up to this long are copied by a loop, longer ones by the encoder. */
const SHORT = 64

/** A surrogate not paired (with the `u` flag a pair is one code point, not a surrogate). */
const LONE_SURROGATE = /\p{Cs}/u

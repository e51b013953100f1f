import { ProfconvError } from '@profconv/model'

/** Protobuf wire types (the low 3 bits of a field's tag). */
export const VARINT = 0
export const FIXED64 = 1
export const LENGTH_DELIMITED = 2
export const FIXED32 = 5

/**
 * A cursor over protobuf wire bytes, for the one message profconv decodes by hand: `Sample`,
 * a million of which protobufjs would turn into a million objects and three million arrays.
 * 64-bit varints become plain numbers exactly as protobufjs (with `Long` off) makes them:
 * exact up to 2^53, rounded beyond (callers check with `isExact`).
 */
export class WireReader {
  pos: number

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    /** Where the bytes of the message being read end. */
    public end = bytes.length,
  ) {
    this.pos = start
  }

  /** A field's tag: `field << 3 | wireType`. */
  tag(): number {
    const tag = this.varint(true)
    if (tag > 0xffffffff) throw this.error('a field tag beyond 32 bits')
    return tag
  }

  /** An unsigned varint (uint32, uint64) as a number. */
  uint64(): number {
    return this.varint(true)
  }

  /**
   * An unsigned varint exactly: a number up to 2^53, a bigint beyond (addresses of kernel code
   * and mappings, which must not be rounded).
   */
  uint64Exact(): number | bigint {
    const start = this.pos
    const value = this.varint(true)
    if (value <= Number.MAX_SAFE_INTEGER) return value
    // Its low and high 32 bits again (the varint is valid: `varint` read it), then one bigint.
    let lo = 0
    let hi = 0
    for (let pos = start, shift = 0; pos < this.pos && shift < 64; pos++, shift += 7) {
      const bits = this.bytes[pos] & 0x7f
      if (shift < 32) {
        lo |= bits << shift
        // The bits that pass bit 31 go to the high half.
        if (shift > 25) hi |= bits >>> (32 - shift)
      } else hi |= bits << (shift - 32)
    }
    return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)
  }

  /** A signed varint (int64, two's complement in 10 bytes when negative) as a number. */
  int64(): number {
    return this.varint(false)
  }

  private varint(unsigned: boolean): number {
    let pos = this.pos
    // Fast path: up to 4 bytes (values below 2^28), the ids and counts of every real profile.
    let byte = this.byteAt(pos++)
    let value = byte & 0x7f
    for (let shift = 7; byte >= 0x80 && shift < 28; shift += 7) {
      byte = this.byteAt(pos++)
      value |= (byte & 0x7f) << shift
    }
    if (byte < 0x80) {
      this.pos = pos
      return value
    }
    // Slow path: the low and high 32 bits, as protobufjs's LongBits. Byte 5 holds bits 28-34.
    byte = this.byteAt(pos++)
    const lo = (value | ((byte & 0x0f) << 28)) >>> 0
    let hi = (byte & 0x7f) >>> 4
    for (let shift = 3; byte >= 0x80; shift += 7) {
      if (shift > 31) {
        this.pos = pos
        throw this.error('a varint longer than 10 bytes')
      }
      byte = this.byteAt(pos++)
      hi |= (byte & 0x7f) << shift
    }
    this.pos = pos
    return bitsToNumber(lo, hi >>> 0, unsigned)
  }

  /** The length prefix of a length-delimited field, checked against the message's end. */
  length(): number {
    const n = this.uint64()
    if (n > this.end - this.pos) throw this.error(`a length of ${n} runs past the end`)
    return n
  }

  /** Skips a field's value of `wireType` (groups, deprecated since proto2, are refused). */
  skip(wireType: number): void {
    switch (wireType) {
      case VARINT:
        this.uint64()
        return
      case FIXED64:
        this.advance(8)
        return
      case LENGTH_DELIMITED:
        this.advance(this.length())
        return
      case FIXED32:
        this.advance(4)
        return
      default:
        throw this.error(`wire type ${wireType} is not supported`)
    }
  }

  /**
   * Where an error's byte offset goes: the error's position (`pprof: at byte 6: not a valid…`),
   * or, for the profile's header, inside the sentence, whose start (`pprof: not a valid
   * profile.proto message`) errors there always had (the fuzz suite checks it).
   */
  offsetInReason = false

  /** The error for malformed bytes at the current position. */
  error(what: string): ProfconvError {
    const at = this.offsetInReason ? ` at byte ${this.pos}` : ''
    return new ProfconvError(
      'pprof',
      `not a valid profile.proto message (${what}${at}); truncated or not pprof?`,
      this.offsetInReason ? {} : { offset: this.pos },
    )
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw this.error('a field runs past the end')
    this.pos += n
  }

  private byteAt(pos: number): number {
    if (pos >= this.end) {
      this.pos = pos
      throw this.error('a varint runs past the end')
    }
    return this.bytes[pos]
  }
}

/** protobufjs's LongBits.toNumber: two's complement halves to the nearest double. */
function bitsToNumber(lo: number, hi: number, unsigned: boolean): number {
  if (!unsigned && hi >>> 31) {
    const negLo = (~lo + 1) >>> 0
    let negHi = ~hi >>> 0
    if (!negLo) negHi = (negHi + 1) >>> 0
    return -(negLo + negHi * 4294967296)
  }
  return lo + hi * 4294967296
}

/** Decodes the length-delimited message at the reader's position with `decode`. */
export function within<T>(r: WireReader, decode: (r: WireReader) => T): T {
  const length = r.length()
  const outer = r.end
  r.end = r.pos + length
  const message = decode(r)
  r.end = outer
  return message
}

/** A typed array of twice the length holding `a`'s values (the decoders' growable columns). */
export function grown<T extends Int32Array | Uint32Array | Float64Array>(a: T): T {
  const out = new (a.constructor as new (n: number) => T)(a.length * 2)
  out.set(a)
  return out
}

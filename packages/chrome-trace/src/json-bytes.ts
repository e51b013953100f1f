import { ProfconvError } from '@profconv/model'
import { ByteStrings } from './byte-strings.js'
import type { Column } from './column.js'

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const COMMA = 0x2c
const COLON = 0x3a
const MINUS = 0x2d
const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39

/** Exact powers of ten (10^22 is the largest a double holds exactly). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i)

/** What `intern` decodes: a string without escapes, one with, a number's digits. */
const PLAIN = 0
const ESCAPED = 1
const DIGITS = 2

/** A JSON value that is an object or array, where only scalars are kept. */
export const NESTED: object = Object.freeze({ nested: true })

/**
 * A cursor over JSON bytes (UTF-8) that reads values where they lie: numbers are parsed from
 * the digits, strings are decoded once per distinct byte sequence (the same name in a million
 * events is one string), and values nobody asked for are checked and skipped without being
 * built. Syntax errors throw with the byte offset.
 */
export class JsonBytes {
  /** Offset of the next byte to read. */
  at = 0
  /** The last key read by `key()`: its bytes (without quotes) are `bytes[keyStart, keyEnd)`. */
  keyStart = 0
  keyEnd = 0
  /** The last key read had escapes: compare `keyText()`, not bytes. */
  keyEscaped = false
  /** A number for the string `string()` or `idText()` returned last: equal strings, equal ids. */
  stringId = -1
  private readonly decoder = new TextDecoder('utf-8')
  /** Strings read so far, by their bytes (with quotes, or a number's digits). */
  private readonly strings = new ByteStrings()
  /** The closing bytes of the objects and arrays `skip` is inside. */
  private closers = new Uint8Array(64)
  /** Ids of one-letter strings (`"X"`) by their byte, -1 before the first. */
  private readonly oneLetter = new Int32Array(128).fill(-1)

  constructor(
    readonly bytes: Uint8Array,
    private readonly format: string,
  ) {}

  /** Skips JSON white space (space, tab, line breaks). */
  space(): void {
    const bytes = this.bytes
    let at = this.at
    for (;;) {
      const b = bytes[at]
      if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) at++
      else break
    }
    this.at = at
  }

  /** Skips any bytes up to 0x20 (between a trace's events, where tracers cut short leave NULs). */
  gap(): void {
    const bytes = this.bytes
    let at = this.at
    while (at < bytes.length && bytes[at] <= 0x20) at++
    this.at = at
  }

  /** The byte at the cursor (undefined at the end). */
  peek(): number {
    return this.bytes[this.at]
  }

  /**
   * At a `{`: enters the object; false (and past its `}`) when it is empty. Then for each member
   * `key()` and read or `skip()` its value, and `next(CLOSE_BRACE)` says whether one follows.
   */
  enterObject(): boolean {
    this.at++
    this.space()
    if (this.bytes[this.at] === CLOSE_BRACE) {
      this.at++
      return false
    }
    return true
  }

  /** At a `[`: enters the array; false (and past its `]`) when it is empty. */
  enterArray(): boolean {
    this.at++
    this.space()
    if (this.bytes[this.at] === CLOSE_BRACKET) {
      this.at++
      return false
    }
    return true
  }

  /** After a member or element: true past a `,`, false past the closing `close` byte. */
  next(close: number): boolean {
    this.space()
    const b = this.bytes[this.at]
    if (b === COMMA) {
      this.at++
      this.space()
      return true
    }
    if (b === close) {
      this.at++
      return false
    }
    return this.fail(
      this.at >= this.bytes.length
        ? 'the trace ends inside a JSON value'
        : `not valid JSON: expected ',' or '${String.fromCharCode(close)}'`,
    )
  }

  /** Reads a member's key and its `:`; the cursor is then at the value. */
  key(): void {
    const bytes = this.bytes
    if (bytes[this.at] !== QUOTE) this.fail('not valid JSON: expected a key in quotes')
    const start = this.at + 1
    const end = this.stringEnd(start)
    this.keyStart = start
    this.keyEnd = end
    this.keyEscaped = this.escaped
    this.at = end + 1
    this.space()
    if (bytes[this.at] !== COLON) this.fail("not valid JSON: expected ':' after a key")
    this.at++
    this.space()
  }

  /** True when the last key is `name` (ASCII, given as its character codes). */
  keyIs(name: string): boolean {
    if (this.keyEscaped) return this.keyText() === name
    const n = this.keyEnd - this.keyStart
    if (n !== name.length) return false
    const bytes = this.bytes
    for (let i = 0; i < n; i++) if (bytes[this.keyStart + i] !== name.charCodeAt(i)) return false
    return true
  }

  /** The last key as a string. */
  keyText(): string {
    return this.intern(this.keyStart - 1, this.keyEnd + 1, this.keyEscaped ? ESCAPED : PLAIN)
  }

  /** Reads any value: strings and numbers as themselves, objects and arrays as `NESTED`. */
  scalar(): unknown {
    const b = this.bytes[this.at]
    if (b === QUOTE) return this.string()
    if (b === MINUS || (b >= ZERO && b <= NINE)) return this.number()
    if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      this.skip()
      return NESTED
    }
    return this.literal()
  }

  /** Reads a string (the cursor at its quote), decoded once per distinct byte sequence. */
  string(): string {
    const start = this.at
    const end = this.stringEnd(start + 1)
    this.at = end + 1
    return this.intern(start, end + 1, this.escaped ? ESCAPED : PLAIN)
  }

  /**
   * Reads an id (pid, tid, id): a string as it is, a number as `String` writes it (one string
   * per distinct digits), anything else as ''.
   */
  idText(): string {
    const b = this.bytes[this.at]
    if (b === QUOTE) return this.string()
    if (b === MINUS || (b >= ZERO && b <= NINE)) {
      const start = this.at
      this.number()
      return this.intern(start, this.at, DIGITS)
    }
    this.skip()
    return ''
  }

  /** Reads a number from its digits, as `JSON.parse` reads it. */
  number(): number {
    const bytes = this.bytes
    const start = this.at
    let at = start
    const negative = bytes[at] === MINUS
    if (negative) at++
    let mantissa = 0
    let digits = 0
    let b = bytes[at]
    if (b === ZERO) {
      at++
    } else if (b > ZERO && b <= NINE) {
      do {
        mantissa = mantissa * 10 + (b - ZERO)
        digits++
        b = bytes[++at]
      } while (b >= ZERO && b <= NINE)
    } else {
      return this.fail('not valid JSON: expected a number')
    }
    let fraction = 0
    if (bytes[at] === DOT) {
      b = bytes[++at]
      if (!(b >= ZERO && b <= NINE)) this.fail('not valid JSON: expected a digit after the point')
      do {
        mantissa = mantissa * 10 + (b - ZERO)
        digits++
        fraction++
        b = bytes[++at]
      } while (b >= ZERO && b <= NINE)
    }
    b = bytes[at]
    let exact = digits <= 15 && fraction <= 22
    if (b === 0x65 || b === 0x45) {
      // e, E: rare in traces; left to Number.
      b = bytes[++at]
      if (b === 0x2b || b === MINUS) b = bytes[++at]
      if (!(b >= ZERO && b <= NINE)) this.fail('not valid JSON: expected a digit in the exponent')
      while (b >= ZERO && b <= NINE) b = bytes[++at]
      exact = false
    }
    this.at = at
    if (exact) {
      // At most 15 digits are exact, and so is the division by an exact power of ten.
      const value = fraction === 0 ? mantissa : mantissa / POW10[fraction]
      return negative ? -value : value
    }
    return Number(this.ascii(start, at))
  }

  /** Skips any value, checking its syntax (without recursion: nesting may be deep). */
  skip(): void {
    const bytes = this.bytes
    let depth = 0
    for (;;) {
      // At a value.
      const b = bytes[this.at]
      if (b === OPEN_BRACE || b === OPEN_BRACKET) {
        this.at++
        this.space()
        const close = b === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET
        if (bytes[this.at] === close) {
          this.at++
        } else {
          if (depth === this.closers.length) {
            const closers = new Uint8Array(depth * 2)
            closers.set(this.closers)
            this.closers = closers
          }
          this.closers[depth++] = close
          if (close === CLOSE_BRACE) this.key()
          continue
        }
      } else if (b === QUOTE) {
        this.at = this.stringEnd(this.at + 1) + 1
      } else if (b === MINUS || (b >= ZERO && b <= NINE)) {
        this.number()
      } else {
        this.literal()
      }
      // After a value: close what ends here, or go on to the next member or element.
      for (;;) {
        if (depth === 0) return
        const close = this.closers[depth - 1]
        if (!this.next(close)) {
          depth--
          continue
        }
        if (close === CLOSE_BRACE) this.key()
        break
      }
    }
  }

  /**
   * Reads an array of numbers into `into` (after what it holds), the cursor at its `[`: false
   * (after the array) when it holds anything else (or numbers too large for a double).
   */
  numbers(into: Column): boolean {
    const bytes = this.bytes
    if (bytes[this.at] !== OPEN_BRACKET) {
      this.skip()
      return false
    }
    let all = true
    if (!this.enterArray()) return true
    for (;;) {
      let at = this.at
      let b = bytes[at]
      if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
        this.space()
        at = this.at
        b = bytes[at]
      }
      // Small integers without a call: digits up to ',' or ']'.
      if (b > ZERO && b <= NINE) {
        let value = b - ZERO
        b = bytes[++at]
        while (b >= ZERO && b <= NINE && value < 1e14) {
          value = value * 10 + (b - ZERO)
          b = bytes[++at]
        }
        if (b === COMMA) {
          into.push(value)
          this.at = at + 1
          continue
        }
        if (b === CLOSE_BRACKET) {
          into.push(value)
          this.at = at + 1
          return all
        }
        b = bytes[this.at]
      }
      if (b === MINUS || (b >= ZERO && b <= NINE)) {
        const value = this.number()
        if (!Number.isFinite(value)) all = false
        else into.push(value)
      } else {
        this.skip()
        all = false
      }
      if (!this.next(CLOSE_BRACKET)) return all
    }
  }

  /** Parses the value at the cursor with `JSON.parse` (for rare, structured values). */
  parse(): unknown {
    const start = this.at
    this.skip()
    try {
      return JSON.parse(this.decoder.decode(this.bytes.subarray(start, this.at)))
    } catch (error) {
      return this.fail(`not valid JSON: ${(error as Error).message}`, start)
    }
  }

  /** `true`, `false` or `null`. */
  private literal(): boolean | null {
    const bytes = this.bytes
    const at = this.at
    const b = bytes[at]
    if (b === 0x74 && bytes[at + 1] === 0x72 && bytes[at + 2] === 0x75 && bytes[at + 3] === 0x65) {
      this.at += 4
      return true
    }
    if (
      b === 0x66 &&
      bytes[at + 1] === 0x61 &&
      bytes[at + 2] === 0x6c &&
      bytes[at + 3] === 0x73 &&
      bytes[at + 4] === 0x65
    ) {
      this.at += 5
      return false
    }
    if (b === 0x6e && bytes[at + 1] === 0x75 && bytes[at + 2] === 0x6c && bytes[at + 3] === 0x6c) {
      this.at += 4
      return null
    }
    return this.fail(
      at >= bytes.length
        ? 'the trace ends inside a JSON value'
        : 'not valid JSON: expected a value',
    )
  }

  /** Whether the last string scanned by `stringEnd` had escapes. */
  private escaped = false

  /** The offset of the closing quote of the string whose text starts at `from`. */
  private stringEnd(from: number): number {
    const bytes = this.bytes
    let escaped = false
    for (let i = from; i < bytes.length; i++) {
      const b = bytes[i]
      if (b === QUOTE) {
        this.escaped = escaped
        return i
      }
      if (b === BACKSLASH) {
        escaped = true
        i++
      } else if (b < 0x20) {
        this.at = i
        this.fail('not valid JSON: a control character inside a string')
      }
    }
    this.at = from - 1
    return this.fail('the trace ends inside a string')
  }

  /** The string whose quoted text (or digits) is `bytes[start, end)`, decoded once. */
  private intern(start: number, end: number, kind: number): string {
    const strings = this.strings
    // Phases and other one-letter strings without a look-up.
    if (end - start === 3 && kind === PLAIN) {
      const b = this.bytes[start + 1]
      if (b < 0x80 && this.oneLetter[b] >= 0) {
        this.stringId = this.oneLetter[b]
        return strings.text(this.stringId)
      }
    }
    let id = strings.find(this.bytes, start, end)
    if (id < 0) {
      const text = this.decode(start, end, kind)
      id = strings.add(this.bytes, start, end, text)
      if (end - start === 3 && kind === PLAIN && this.bytes[start + 1] < 0x80)
        this.oneLetter[this.bytes[start + 1]] = id
    }
    this.stringId = id
    return strings.text(id)
  }

  private decode(start: number, end: number, kind: number): string {
    if (kind === DIGITS) return String(Number(this.ascii(start, end)))
    if (kind === PLAIN) {
      let ascii = true
      for (let i = start + 1; i < end - 1; i++) if (this.bytes[i] >= 0x80) ascii = false
      return ascii && end - start < 64
        ? this.ascii(start + 1, end - 1)
        : this.decoder.decode(this.bytes.subarray(start + 1, end - 1))
    }
    try {
      return JSON.parse(this.decoder.decode(this.bytes.subarray(start, end))) as string
    } catch (error) {
      this.at = start
      return this.fail(`not valid JSON: ${(error as Error).message}`)
    }
  }

  private ascii(start: number, end: number): string {
    let text = ''
    for (let i = start; i < end; i++) text += String.fromCharCode(this.bytes[i])
    return text
  }

  /** Throws the format's error at the cursor. */
  fail(reason: string, offset = this.at): never {
    throw new ProfconvError(this.format, reason, { offset })
  }
}

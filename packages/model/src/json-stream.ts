import { ProfconvError } from './error.js'
import { concatBytes, decodeText, maybeGunzip, pushAll, pushStream, textEncoding } from './input.js'
import type { LineReadOptions } from './input.js'
import type { Profile } from './profile.js'

/** What a JSON value is, told before it is read. */
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null'

/** Object keys and array indexes from the document's root to a value (`[]` is the root). */
export type JsonPath = readonly (string | number)[]

/**
 * How a reader takes a value: `skip` it (scanned and checked, never decoded), have it built
 * whole and handed to `value` (for small records), or `enter` an object or array and be asked
 * about each of its members in turn (a scalar entered is handed over like `value`).
 */
export type JsonTake = 'skip' | 'value' | 'enter'

/**
 * A streaming JSON reader's state. `select` is asked for the root and for every member of an
 * entered container, with the path (one shared array: copy it to keep it); `value` gets what
 * `select` chose to build; `leave` is told when an entered container ends. A ProfconvError
 * thrown without a position by any of them gets the byte offset of the value at hand.
 */
export interface JsonVisitor {
  select(path: JsonPath, kind: JsonKind): JsonTake
  value?(path: JsonPath, value: unknown): void
  leave?(path: JsonPath, kind: 'object' | 'array'): void
}

/** A JSON reader: a visitor that, once the document has been seen, makes the profiles. */
export interface JsonParser extends JsonVisitor {
  finish(): Profile[]
}

// Where the tokenizer is.
const S_VALUE = 0 // a value must come (after ':' or ',' in an array, or at the start)
const S_VALUE_OR_END = 1 // after '['
const S_KEY_OR_END = 2 // after '{'
const S_KEY = 3 // after ',' in an object
const S_COLON = 4
const S_AFTER = 5 // after a member's value: ',' or the container's end
const S_STRING = 6
const S_NUMBER = 7
const S_LITERAL = 8
const S_DONE = 9 // after the root value: only white space

// What becomes of a container, or of a scalar being read.
const M_SKIP = 0
const M_BUILD = 1 // part of a value being built
const M_ENTER = 2 // its members are offered to `select`
const M_REPORT = 3 // (scalars) handed to `value` when read

// Number grammar states.
const N_MINUS = 0
const N_ZERO = 1
const N_INT = 2
const N_DOT = 3
const N_FRAC = 4
const N_E = 5
const N_ESIGN = 6
const N_EXP = 7

const LITERALS: Record<number, { bytes: Uint8Array; value: unknown; kind: JsonKind }> = {
  0x74: { bytes: new TextEncoder().encode('true'), value: true, kind: 'boolean' },
  0x66: { bytes: new TextEncoder().encode('false'), value: false, kind: 'boolean' },
  0x6e: { bytes: new TextEncoder().encode('null'), value: null, kind: 'null' },
}

const utf8 = new TextDecoder()

/**
 * Short ASCII strings by a hash of their bytes (checked byte by byte on a hit): keys and names
 * met again are not decoded again. Shared by all streams, bounded.
 */
const SHORT_STRINGS = new Map<number, string>()

/**
 * A byte-level JSON tokenizer fed in chunks that never holds the document: containers a reader
 * skips are only scanned (strings not decoded, numbers not converted), values it asks for are
 * built one at a time, and an entered container's members are offered one by one, so memory
 * grows with what the reader keeps. Strict JSON (RFC 8259), checked everywhere, skipped parts
 * too; a UTF-8 byte-order mark is dropped and UTF-16 input is read through a transcoder (its
 * offsets then count UTF-8 bytes). Errors are ProfconvErrors of `format` with the byte offset.
 * No recursion: nesting depth costs memory only.
 */
export class JsonStream {
  /** Byte offset of the value last offered to the visitor (where a reader's error points). */
  offset = 0
  private state = S_VALUE
  private base = 0 // offset of the current chunk's first byte
  private readonly path: (string | number)[] = []
  // Open containers, innermost last: kind (true: object), mode, next array index.
  private readonly isObject: boolean[] = []
  private readonly mode: number[] = []
  private readonly index: number[] = []
  // Values being built: the containers and the pending key of each object.
  private readonly built: unknown[] = []
  private readonly keys: (string | undefined)[] = []
  // The token being read.
  private tokenMode = M_SKIP // for strings and numbers: what becomes of them
  private isKey = false
  private escaped = false // a backslash ended the last chunk
  private hasEscape = false
  private parts: Uint8Array[] = [] // a kept token's bytes from earlier chunks
  private numberState = N_MINUS
  private integer = 0
  private digits = 0
  private simple = true // an integer of at most 15 digits, exact from `integer`
  private negative = false
  private tokenFrom = 0 // where the token's bytes start in the current chunk
  private literal: Uint8Array | undefined
  private literalAt = 0
  private literalValue: unknown = null
  // Input encoding: decided on the first bytes.
  private head: Uint8Array | undefined
  private transcoder: TextDecoder | undefined
  private started = false

  constructor(
    private readonly format: string,
    private readonly visitor: JsonVisitor,
  ) {}

  push(chunk: Uint8Array): void {
    if (!this.started) {
      if (this.head) chunk = concatBytes([this.head, chunk])
      if (chunk.length < 3) {
        this.head = chunk
        return
      }
      this.head = undefined
      this.start(chunk)
      chunk = this.started ? chunk.subarray(this.skipBom(chunk)) : chunk
    }
    if (this.transcoder)
      chunk = new TextEncoder().encode(this.transcoder.decode(chunk, { stream: true }))
    try {
      this.scan(chunk)
    } catch (error) {
      throw this.positioned(error)
    }
    this.base += chunk.length
  }

  end(): void {
    if (!this.started) {
      const head = this.head ?? new Uint8Array(0)
      this.head = undefined
      this.start(head)
      if (head.length > 0) {
        this.started = true
        this.push(head.subarray(this.skipBom(head)))
      }
    }
    if (this.transcoder) {
      const rest = new TextEncoder().encode(this.transcoder.decode())
      this.transcoder = undefined
      if (rest.length > 0) this.push(rest)
    }
    try {
      if (this.state === S_NUMBER) this.endNumber(new Uint8Array(0), 0)
      if (this.state !== S_DONE) {
        const where =
          this.isObject.length === 0 ? '' : ` inside ${this.isObject.length} open container(s)`
        throw this.error(
          this.base === 0 && this.state === S_VALUE
            ? 'no JSON value'
            : `the JSON ends early${where}`,
          0,
        )
      }
    } catch (error) {
      throw this.positioned(error)
    }
  }

  private start(chunk: Uint8Array): void {
    const encoding = textEncoding(chunk)
    if (encoding !== 'utf-8') this.transcoder = new TextDecoder(encoding)
    this.started = true
  }

  private skipBom(chunk: Uint8Array): number {
    if (this.transcoder) return 0 // the decoder drops it
    return chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0
  }

  /** An error from a visitor gets the offset of the value at hand. */
  private positioned(error: unknown): unknown {
    if (
      error instanceof ProfconvError &&
      error.position.offset === undefined &&
      error.position.line === undefined
    ) {
      return new ProfconvError(error.format, error.reason, { offset: this.offset })
    }
    return error
  }

  private error(reason: string, at: number): ProfconvError {
    return new ProfconvError(this.format, `not valid JSON: ${reason}`, { offset: this.base + at })
  }

  private unexpected(chunk: Uint8Array, at: number, wanted: string): ProfconvError {
    const c = chunk[at]
    const seen = c >= 0x20 && c < 0x7f ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16)}`
    return this.error(`${seen} where ${wanted} should be`, at)
  }

  private scan(chunk: Uint8Array): void {
    const n = chunk.length
    let i = 0
    this.tokenFrom = 0
    while (i < n) {
      switch (this.state) {
        case S_STRING: {
          let c = 0
          if (this.escaped) {
            this.escaped = false
            if (!isEscape(chunk[i])) throw this.error('a bad escape in a string', i)
            i++
          }
          for (; i < n; i++) {
            c = chunk[i]
            if (c === 0x22) break
            if (c === 0x5c) {
              this.hasEscape = true
              if (++i === n) {
                this.escaped = true
                break
              }
              if (!isEscape(chunk[i])) throw this.error('a bad escape in a string', i)
            } else if (c < 0x20) throw this.error('a control character in a string', i)
          }
          if (i >= n) break
          // chunk[i] is the closing quote.
          const keep = this.isKey
            ? this.mode[this.mode.length - 1] !== M_SKIP
            : this.tokenMode !== M_SKIP
          const text = keep ? this.decode(chunk, i) : ''
          i++
          if (this.isKey) {
            const top = this.mode.length - 1
            if (this.mode[top] === M_ENTER) this.path[this.path.length - 1] = text
            else if (this.mode[top] === M_BUILD) this.keys[this.keys.length - 1] = text
            this.state = S_COLON
          } else this.endValue(text)
          break
        }
        case S_NUMBER: {
          i = this.number(chunk, i)
          if (i < n) this.endNumber(chunk, i)
          break
        }
        case S_LITERAL: {
          const literal = this.literal!
          for (; i < n && this.literalAt < literal.length; i++, this.literalAt++) {
            if (chunk[i] !== literal[this.literalAt]) throw this.unexpected(chunk, i, 'a literal')
          }
          if (this.literalAt === literal.length) this.endValue(this.literalValue)
          break
        }
        default: {
          // Structure: skip white space, then act on one byte.
          let c = chunk[i]
          while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
            if (++i === n) return
            c = chunk[i]
          }
          i = this.structure(chunk, i, c)
        }
      }
    }
    // The chunk ends inside a token: keep a kept token's bytes for the next one.
    if (this.state === S_STRING || this.state === S_NUMBER) {
      const keep =
        this.state === S_STRING && this.isKey
          ? this.mode[this.mode.length - 1] !== M_SKIP
          : this.tokenMode !== M_SKIP
      if (keep) this.parts.push(chunk.slice(this.tokenFrom))
    }
  }

  /** Acts on the structural byte `c` at `i`; returns where to go on. */
  private structure(chunk: Uint8Array, i: number, c: number): number {
    const state = this.state
    if (state === S_VALUE || state === S_VALUE_OR_END) {
      if (c === 0x5d && state === S_VALUE_OR_END) return this.close(i, false)
      return this.beginValue(chunk, i, c)
    }
    if (state === S_KEY || state === S_KEY_OR_END) {
      if (c === 0x7d && state === S_KEY_OR_END) return this.close(i, true)
      if (c !== 0x22) throw this.unexpected(chunk, i, 'a key in quotes')
      this.isKey = true
      this.hasEscape = false
      if (this.parts.length > 0) this.parts = []
      this.tokenFrom = i + 1
      this.state = S_STRING
      return i + 1
    }
    switch (state) {
      case S_COLON:
        if (c !== 0x3a) throw this.unexpected(chunk, i, "':'")
        this.state = S_VALUE
        return i + 1
      case S_AFTER: {
        const object = this.isObject[this.isObject.length - 1]
        if (c === 0x2c) {
          this.state = object ? S_KEY : S_VALUE
          return i + 1
        }
        if (c === (object ? 0x7d : 0x5d)) return this.close(i, object)
        throw this.unexpected(chunk, i, object ? "',' or '}'" : "',' or ']'")
      }
      case S_DONE:
        throw this.unexpected(chunk, i, 'the end of the JSON text')
    }
    return i
  }

  private beginValue(chunk: Uint8Array, i: number, c: number): number {
    let kind: JsonKind
    if (c === 0x7b) kind = 'object'
    else if (c === 0x5b) kind = 'array'
    else if (c === 0x22) kind = 'string'
    else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) kind = 'number'
    else if (LITERALS[c]) kind = LITERALS[c].kind
    else throw this.unexpected(chunk, i, 'a value')
    // What the value becomes: decided by its container, or asked.
    const top = this.mode.length - 1
    const parent = top < 0 ? M_ENTER : this.mode[top]
    let mode = parent === M_ENTER ? M_SKIP : parent
    if (parent === M_ENTER) {
      if (top >= 0 && !this.isObject[top]) this.path[this.path.length - 1] = this.index[top]++
      this.offset = this.base + i
      const take = this.visitor.select(this.path, kind)
      if (take === 'value') mode = kind === 'object' || kind === 'array' ? M_BUILD : M_REPORT
      else if (take === 'enter') mode = kind === 'object' || kind === 'array' ? M_ENTER : M_REPORT
    }
    if (kind === 'object' || kind === 'array') {
      const object = kind === 'object'
      this.isObject.push(object)
      this.mode.push(mode)
      this.index.push(0)
      if (mode === M_ENTER) this.path.push(object ? '' : 0)
      else if (mode === M_BUILD) {
        this.built.push(object ? {} : [])
        this.keys.push(undefined)
      }
      this.state = object ? S_KEY_OR_END : S_VALUE_OR_END
      return i + 1
    }
    this.tokenMode = mode
    if (this.parts.length > 0) this.parts = []
    if (kind === 'string') {
      this.isKey = false
      this.hasEscape = false
      this.tokenFrom = i + 1
      this.state = S_STRING
      return i + 1
    }
    if (kind === 'number') {
      this.numberState = N_MINUS
      this.integer = 0
      this.digits = 0
      this.simple = true
      this.negative = c === 0x2d
      this.tokenFrom = i
      this.state = S_NUMBER
      return this.negative ? i + 1 : i
    }
    const literal = LITERALS[c]
    this.literal = literal.bytes
    this.literalAt = 0
    this.literalValue = literal.value
    this.state = S_LITERAL
    return i
  }

  /** Reads number bytes from `i`; returns where they end (the chunk's length if they may go on). */
  private number(chunk: Uint8Array, i: number): number {
    const n = chunk.length
    let s = this.numberState
    let integer = this.integer
    let digits = this.digits
    for (; i < n; i++) {
      const c = chunk[i]
      if (c >= 0x30 && c <= 0x39) {
        if (s === N_INT || s === N_MINUS) {
          if (s === N_MINUS && c === 0x30) s = N_ZERO
          else {
            s = N_INT
            integer = integer * 10 + (c - 0x30)
            digits++
          }
        } else if (s === N_ZERO) throw this.error('a number with a leading zero', i)
        else if (s === N_DOT || s === N_FRAC) s = N_FRAC
        else s = N_EXP
      } else if (c === 0x2e) {
        if (s !== N_INT && s !== N_ZERO) throw this.unexpected(chunk, i, 'a digit')
        s = N_DOT
        this.simple = false
      } else if (c === 0x65 || c === 0x45) {
        if (s !== N_INT && s !== N_ZERO && s !== N_FRAC) throw this.unexpected(chunk, i, 'a digit')
        s = N_E
        this.simple = false
      } else if (c === 0x2b || c === 0x2d) {
        if (s !== N_E) throw this.unexpected(chunk, i, 'a digit')
        s = N_ESIGN
      } else break
    }
    this.numberState = s
    this.integer = integer
    this.digits = digits
    return i
  }

  /** The number ended before `chunk[end]`. */
  private endNumber(chunk: Uint8Array, end: number): void {
    const s = this.numberState
    if (s !== N_ZERO && s !== N_INT && s !== N_FRAC && s !== N_EXP) {
      throw this.error('an unfinished number', end)
    }
    let value = 0
    if (this.tokenMode !== M_SKIP) {
      if (this.simple && this.digits <= 15) value = this.negative ? -this.integer : this.integer
      else value = Number(latin1(this.tokenBytes(chunk, this.tokenFrom, end)))
    }
    if (this.parts.length > 0) this.parts = []
    this.endValue(value)
  }

  /** A kept token's bytes: earlier chunks' parts and `chunk[from, end)`. */
  private tokenBytes(chunk: Uint8Array, from: number, end: number): Uint8Array {
    if (this.parts.length === 0) return chunk.subarray(from, end)
    const all = concatBytes([...this.parts, chunk.subarray(from, end)])
    if (this.parts.length > 0) this.parts = []
    return all
  }

  /** The string whose bytes (after the opening quote) end at `end`. */
  private decode(chunk: Uint8Array, end: number): string {
    if (!this.hasEscape && this.parts.length === 0 && end - this.tokenFrom <= 32) {
      const text = this.short(chunk, this.tokenFrom, end)
      if (text !== undefined) return text
    }
    const bytes = this.tokenBytes(chunk, this.tokenFrom, end)
    if (this.hasEscape) {
      try {
        return JSON.parse(`"${utf8.decode(bytes)}"`) as string
      } catch {
        throw this.error('a bad escape in a string', end)
      }
    }
    return utf8.decode(bytes)
  }

  /** Short ASCII strings (keys, names met again) come from a cache; undefined if not ASCII. */
  private short(chunk: Uint8Array, from: number, end: number): string | undefined {
    const n = end - from
    let hash = n
    for (let k = from; k < end; k++) {
      const c = chunk[k]
      if (c >= 0x80) return undefined
      hash = (Math.imul(hash, 31) + c) | 0
    }
    const seen = SHORT_STRINGS.get(hash)
    if (seen !== undefined && seen.length === n) {
      let k = 0
      while (k < n && seen.charCodeAt(k) === chunk[from + k]) k++
      if (k === n) return seen
    }
    const text = String.fromCharCode.apply(null, chunk.subarray(from, end) as unknown as number[])
    if (SHORT_STRINGS.size >= 8192) SHORT_STRINGS.clear()
    SHORT_STRINGS.set(hash, text)
    return text
  }

  /** A scalar value was read. */
  private endValue(value: unknown): void {
    const mode = this.tokenMode
    if (mode === M_BUILD) this.add(value)
    else if (mode === M_REPORT) this.visitor.value?.(this.path, value)
    this.state = this.mode.length === 0 ? S_DONE : S_AFTER
  }

  /** Adds a built value to the container being built. */
  private add(value: unknown): void {
    const top = this.built.length - 1
    const into = this.built[top]
    if (Array.isArray(into)) into.push(value)
    else {
      const key = this.keys[top]!
      if (key === '__proto__') {
        Object.defineProperty(into, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        })
      } else (into as Record<string, unknown>)[key] = value
    }
  }

  private close(i: number, object: boolean): number {
    this.isObject.pop()
    this.index.pop()
    const mode = this.mode.pop()!
    if (mode === M_ENTER) {
      this.path.pop()
      this.offset = this.base + i
      this.visitor.leave?.(this.path, object ? 'object' : 'array')
    } else if (mode === M_BUILD) {
      const value = this.built.pop()
      this.keys.pop()
      if (this.mode[this.mode.length - 1] === M_BUILD) this.add(value)
      else this.visitor.value?.(this.path, value)
    }
    this.state = this.mode.length === 0 ? S_DONE : S_AFTER
    return i + 1
  }
}

function isEscape(c: number): boolean {
  // " \ / b f n r t u
  return (
    c === 0x22 ||
    c === 0x5c ||
    c === 0x2f ||
    c === 0x62 ||
    c === 0x66 ||
    c === 0x6e ||
    c === 0x72 ||
    c === 0x74 ||
    c === 0x75
  )
}

function latin1(bytes: Uint8Array): string {
  // Number text is ASCII; a decoder has no argument-count limit.
  return utf8.decode(bytes)
}

/** Reads a whole JSON input (gzip accepted) through `parser`, in chunks, and returns its profiles. */
export function readJson(
  bytes: Uint8Array,
  format: string,
  parser: JsonParser,
  options: LineReadOptions = {},
): Profile[] {
  const data = maybeGunzip(bytes, format, options.maxInputSize)
  pushAll(new JsonStream(format, parser), data, options.chunkSize)
  return parser.finish()
}

/** The same from chunks (gzip accepted): memory grows with what the parser keeps. */
export async function readJsonStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  format: string,
  parser: JsonParser,
  options: LineReadOptions = {},
): Promise<Profile[]> {
  await pushStream(
    new JsonStream(format, parser),
    chunks,
    format,
    options.maxInputSize,
    options.chunkSize,
  )
  return parser.finish()
}

/**
 * Parses a whole JSON document (BOM-aware) with `JSON.parse`. A syntax error becomes a
 * ProfconvError of `format` at its byte offset: V8's messages give none for some errors
 * (`Unexpected end of JSON input`, `Unexpected token …, "…" is not valid JSON`) and count
 * characters, not bytes, so the document is scanned again (strictly, as `JsonStream` does) to
 * find where it goes wrong.
 */
export function parseJson(bytes: Uint8Array, format: string): unknown {
  try {
    return JSON.parse(decodeText(bytes))
  } catch (error) {
    const scan = new JsonStream(format, { select: () => 'skip' })
    scan.push(bytes)
    scan.end()
    // The scan found nothing wrong where V8 did: V8's word.
    const message = (error as Error).message
    throw new ProfconvError(format, `not valid JSON (${message})`)
  }
}

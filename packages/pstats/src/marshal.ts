import { ProfconvError } from '@profconv/model'

/**
 * Python `marshal` values as this decoder returns them: None → null, bool, int → number (bigint
 * past 2^53), float → number, str → string, bytes → Uint8Array, tuple/list/set → array,
 * dict → PyDict, code → PyCode. Anything else becomes a PyOther with Python's repr.
 */
export type PyValue =
  null | boolean | number | bigint | string | Uint8Array | PyValue[] | PyDict | PyCode | PyOther

/** A dict, in file order, with the byte offset where each key starts (for error messages). */
export class PyDict {
  readonly entries: [PyValue, PyValue][] = []
  readonly offsets: number[] = []
}

/** A code object: only what names it (Python's `profile` module puts one in a function key). */
export class PyCode {
  constructor(
    readonly name: string,
    readonly filename: string,
    readonly firstLine: number,
  ) {}

  /** Python's repr without the memory address, which changes from run to run. */
  toString(): string {
    return `<code object ${this.name}, file "${this.filename}", line ${this.firstLine}>`
  }
}

/** A Python str, or a Python 2 byte string decoded as UTF-8; undefined for anything else. */
export function pyText(v: PyValue): string | undefined {
  if (typeof v === 'string') return v
  if (v instanceof Uint8Array) return utf8.decode(v)
  return undefined
}

export class PyOther {
  constructor(readonly repr: string) {}
}

/** CPython's own limit on marshal nesting (MAX_MARSHAL_STACK_DEPTH). */
const MAX_DEPTH = 2000
const FLAG_REF = 0x80
const utf8 = new TextDecoder('utf-8')
const latin1 = new TextDecoder('latin1')

/**
 * Decodes one marshalled value as written by Python 2.7 (version 2: `s t R i I l f g`) and
 * Python 3 (versions 3–4: FLAG_REF and `r` back-references, `z Z a A u`, small tuples).
 * Throws ProfconvError(format) with the byte offset on unknown or truncated data.
 */
export function unmarshal(bytes: Uint8Array, format = 'pstats'): PyValue {
  return new Reader(bytes, format).value()
}

class Reader {
  private pos = 0
  private readonly view: DataView
  private readonly refs: PyValue[] = []
  private readonly interned: string[] = []
  private depth = 0

  constructor(
    private readonly bytes: Uint8Array,
    private readonly format: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  value(): PyValue {
    if (++this.depth > MAX_DEPTH) this.fail('nesting deeper than Python allows', this.pos)
    const start = this.pos
    const byte = this.u8()
    const code = String.fromCharCode(byte & ~FLAG_REF)
    const ref = byte & FLAG_REF ? this.refs.push(null) - 1 : -1
    const v = this.body(code, start, ref)
    if (ref >= 0) this.refs[ref] = v
    this.depth--
    return v
  }

  private body(code: string, start: number, ref: number): PyValue {
    switch (code) {
      case 'N':
        return null
      case 'T':
        return true
      case 'F':
        return false
      case 'S':
        return new PyOther('StopIteration')
      case '.':
        return new PyOther('Ellipsis')
      case 'i':
        return this.i32()
      case 'I':
        return this.i64()
      case 'l':
        return this.long(start)
      case 'g':
        return this.f64()
      case 'f':
        return this.textFloat(start)
      case 'y':
        return new PyOther(`(${this.f64()}+${this.f64()}j)`)
      case 'x':
        return new PyOther(`(${this.textFloat(start)}+${this.textFloat(start)}j)`)
      case 's':
        return this.take(this.size(start), start).slice()
      case 't': {
        const s = utf8.decode(this.take(this.size(start), start))
        this.interned.push(s)
        return s
      }
      case 'R': {
        const index = this.i32()
        if (index < 0 || index >= this.interned.length) {
          this.fail(`string reference ${index} points to no earlier string`, start)
        }
        return this.interned[index]
      }
      case 'u':
        return utf8.decode(this.take(this.size(start), start))
      case 'a':
      case 'A':
        return latin1.decode(this.take(this.size(start), start))
      case 'z':
      case 'Z':
        return latin1.decode(this.take(this.u8(), start))
      case '(':
      case '[':
      case '<':
      case '>':
        return this.items(this.size(start), ref)
      case ')':
        return this.items(this.u8(), ref)
      case '{':
        return this.dict(ref)
      case 'r': {
        const index = this.i32()
        if (index < 0 || index >= this.refs.length) {
          this.fail(`back-reference ${index} points to no earlier object`, start)
        }
        return this.refs[index]
      }
      case 'c':
        return this.code(start)
      case '0':
        this.fail('unexpected end-of-dict marker', start)
        break
    }
    return this.fail(
      `unknown marshal type 0x${this.bytes[start].toString(16).padStart(2, '0')}`,
      start,
    )
  }

  private items(n: number, ref: number): PyValue[] {
    const items: PyValue[] = []
    if (ref >= 0) this.refs[ref] = items
    for (let i = 0; i < n; i++) items.push(this.value())
    return items
  }

  private dict(ref: number): PyDict {
    const dict = new PyDict()
    if (ref >= 0) this.refs[ref] = dict
    for (;;) {
      const at = this.pos
      if (this.peek() === 0x30) {
        this.pos++
        return dict
      }
      const key = this.value()
      dict.entries.push([key, this.value()])
      dict.offsets.push(at)
    }
  }

  /**
   * Code objects differ between Python versions and marshal does not say which wrote them, so
   * each known field layout is tried in turn; the first that decodes to a sane object wins.
   */
  private code(start: number): PyCode {
    const body = this.pos
    let lastError: unknown
    for (const layout of CODE_LAYOUTS) {
      this.pos = body
      const refs = this.refs.length
      const interned = this.interned.length
      try {
        const code = this.codeAs(layout, start)
        if (code) return code
      } catch (error) {
        lastError = error
      }
      this.refs.length = refs
      this.interned.length = interned
    }
    if (lastError instanceof ProfconvError) throw lastError
    return this.fail('a code object of an unknown Python version', start)
  }

  private codeAs(layout: CodeLayout, start: number): PyCode | undefined {
    this.take(4 * layout.ints, start)
    let filename: PyValue = null
    let name: PyValue = null
    for (const field of layout.objects) {
      if (field === 'firstlineno') {
        const line = this.i32()
        this.value() // line table
        if (layout.exceptionTable) this.value()
        const file = pyText(filename)
        const fn = pyText(name)
        if (file === undefined || fn === undefined || line < 0) return undefined
        return new PyCode(fn, file, line)
      }
      const v = this.value()
      if (field === 'filename') filename = v
      if (field === 'name') name = v
    }
    return undefined
  }

  private long(start: number): number | bigint {
    const n = this.i32()
    const count = Math.abs(n)
    this.need(2 * count, start)
    let value = 0n
    for (let i = count - 1; i >= 0; i--) {
      const digit = this.view.getUint16(this.pos + 2 * i, true)
      if (digit >= 1 << 15) this.fail('a long digit out of range', start)
      value = (value << 15n) | BigInt(digit)
    }
    this.pos += 2 * count
    if (n < 0) value = -value
    return value >= -(2n ** 53n) && value <= 2n ** 53n ? Number(value) : value
  }

  private textFloat(start: number): number {
    const text = latin1.decode(this.take(this.u8(), start))
    const v = Number(text)
    if (Number.isNaN(v) && !/nan/i.test(text)) this.fail(`bad float text '${text}'`, start)
    return v
  }

  private size(start: number): number {
    const n = this.i32()
    // Every element or byte takes at least one byte: a larger count is a lie, not a big file.
    if (n < 0 || n > this.bytes.length - this.pos) {
      this.fail(`declared length ${n} is larger than the rest of the file`, start)
    }
    return n
  }

  private take(n: number, start: number): Uint8Array {
    this.need(n, start)
    const out = this.bytes.subarray(this.pos, this.pos + n)
    this.pos += n
    return out
  }

  private need(n: number, start: number): void {
    if (this.pos + n > this.bytes.length) {
      this.fail(`truncated: needs ${n} more bytes, the file ends`, start)
    }
  }

  private peek(): number {
    this.need(1, this.pos)
    return this.bytes[this.pos]
  }

  private u8(): number {
    this.need(1, this.pos)
    return this.bytes[this.pos++]
  }

  private i32(): number {
    this.need(4, this.pos)
    const v = this.view.getInt32(this.pos, true)
    this.pos += 4
    return v
  }

  private i64(): number | bigint {
    this.need(8, this.pos)
    const v = this.view.getBigInt64(this.pos, true)
    this.pos += 8
    return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v
  }

  private f64(): number {
    this.need(8, this.pos)
    const v = this.view.getFloat64(this.pos, true)
    this.pos += 8
    return v
  }

  private fail(reason: string, offset: number): never {
    throw new ProfconvError(this.format, reason, { offset })
  }
}

interface CodeLayout {
  /** Raw 32-bit ints before the first object. */
  ints: number
  /** Objects up to and including `firstlineno` (a raw int), then the line table. */
  objects: readonly string[]
  exceptionTable: boolean
}

/** Code object fields before 3.11, after the leading ints. */
const CLASSIC_FIELDS = [
  'code',
  'consts',
  'names',
  'varnames',
  'freevars',
  'cellvars',
  'filename',
  'name',
  'firstlineno',
] as const

const CODE_LAYOUTS: readonly CodeLayout[] = [
  {
    // 3.11+: argcount posonly kwonly stacksize flags
    ints: 5,
    objects: [
      'code',
      'consts',
      'names',
      'localsplusnames',
      'kinds',
      'filename',
      'name',
      'qualname',
      'firstlineno',
    ],
    exceptionTable: true,
  },
  {
    // 3.8–3.10: argcount posonly kwonly nlocals stacksize flags
    ints: 6,
    objects: CLASSIC_FIELDS,
    exceptionTable: false,
  },
  {
    // 3.0–3.7: argcount kwonly nlocals stacksize flags
    ints: 5,
    objects: CLASSIC_FIELDS,
    exceptionTable: false,
  },
  {
    // 2.7: argcount nlocals stacksize flags
    ints: 4,
    objects: CLASSIC_FIELDS,
    exceptionTable: false,
  },
]

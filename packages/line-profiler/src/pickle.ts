import { ProfconvError } from '@profconv/model'

/**
 * A safe reader of Python pickles (protocols 0–5) for the plain data a profile file holds:
 * None, bools, ints (as numbers, or bigints past 2^53), floats, str, bytes, tuples, lists, dicts,
 * sets, and instances of the classes the caller allows (built by NEWOBJ or copyreg's
 * `_reconstructor`, their state by BUILD). Nothing is ever called: any other global, REDUCE of
 * anything but `_reconstructor`, persistent ids, extension codes and out-of-band buffers are
 * refused with a ProfconvError naming them.
 */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PickleTuple
  | PickleDict
  | PickleObject
  | PickleGlobal

/** A Python tuple (lists are plain arrays). */
export class PickleTuple {
  constructor(readonly items: PickleValue[]) {}
}

/** A Python dict, in insertion order (keys may be tuples, so not a JS Map). */
export class PickleDict {
  readonly entries: [PickleValue, PickleValue][] = []
}

/** An instance of an allowed class: its `module.name` and the state BUILD gave it. */
export class PickleObject {
  state: PickleValue = null
  constructor(readonly className: string) {}
}

/** A global the pickle refers to (an allowed class, or copyreg's `_reconstructor`): inert. */
export class PickleGlobal {
  constructor(readonly fullName: string) {}
}

const MARK = Symbol('mark')
type Item = PickleValue | typeof MARK

const RECONSTRUCTOR = new Set(['copy_reg._reconstructor', 'copyreg._reconstructor'])
const OBJECT = new Set(['__builtin__.object', 'builtins.object'])

/** A cap on the declared length of one string or container read at once (bytes). */
const latin1 = new TextDecoder('latin1')
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Unpickles `bytes`. `allowClass(fullName)` says which classes may be instantiated (no code of
 * theirs runs: an instance is only its name and state). `format` names the errors.
 */
export function unpickle(
  bytes: Uint8Array,
  format: string,
  allowClass: (fullName: string) => boolean,
): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const stack: Item[] = []
  const memo = new Map<number, Item>()
  let pos = 0
  let at = 0
  const fail = (reason: string): never => {
    throw new ProfconvError(format, reason, { offset: at })
  }
  const need = (n: number) => {
    if (n < 0 || pos + n > bytes.length)
      fail(`truncated: needs ${pos + n - bytes.length} more bytes, the file ends`)
  }
  const u8 = () => {
    need(1)
    return bytes[pos++]
  }
  const take = (n: number) => {
    need(n)
    const out = bytes.subarray(pos, pos + n)
    pos += n
    return out
  }
  const u32 = () => {
    need(4)
    const v = view.getUint32(pos, true)
    pos += 4
    return v
  }
  const u64 = () => {
    need(8)
    const v = view.getBigUint64(pos, true)
    pos += 8
    if (v > BigInt(bytes.length)) fail(`a declared length of ${v} bytes passes the file's end`)
    return Number(v)
  }
  /** A text line ending in `\n` (protocol 0 arguments). */
  const textLine = () => {
    const end = bytes.indexOf(0x0a, pos)
    if (end < 0) fail('truncated: a text argument without its newline')
    const text = latin1.decode(bytes.subarray(pos, end))
    pos = end + 1
    return text
  }
  const str = (raw: Uint8Array) => {
    try {
      return utf8.decode(raw)
    } catch {
      return fail('a str that is not valid UTF-8')
    }
  }
  const pop = (): Item => {
    if (stack.length === 0) fail('the stack is empty')
    return stack.pop()!
  }
  const value = (item: Item): PickleValue => {
    if (item === MARK) return fail('a mark where a value was expected')
    return item
  }
  const popValue = () => value(pop())
  /** The items above the topmost mark, removed with it. */
  const popMark = (): PickleValue[] => {
    const i = stack.lastIndexOf(MARK)
    if (i < 0) fail('no mark on the stack')
    const items = stack.splice(i).slice(1)
    return items.map(value)
  }
  const top = (): Item => {
    if (stack.length === 0) fail('the stack is empty')
    return stack[stack.length - 1]
  }
  const asList = (item: Item): PickleValue[] => {
    if (!Array.isArray(item)) return fail('APPEND to something that is not a list')
    return item
  }
  const asDict = (item: Item): PickleDict => {
    if (!(item instanceof PickleDict)) return fail('SETITEM to something that is not a dict')
    return item
  }
  const global = (module: string, name: string) => {
    const fullName = `${module}.${name}`
    if (!allowClass(fullName) && !RECONSTRUCTOR.has(fullName) && !OBJECT.has(fullName))
      fail(
        `the pickle refers to ${fullName}, which is not loaded (only the profile's own classes are)`,
      )
    stack.push(new PickleGlobal(fullName))
  }
  const instance = (cls: Item): PickleObject => {
    if (!(cls instanceof PickleGlobal) || !allowClass(cls.fullName))
      return fail(
        `cannot make an instance of ${cls instanceof PickleGlobal ? cls.fullName : 'a non-class'}`,
      )
    return new PickleObject(cls.fullName)
  }
  const int = (text: string): number | bigint | boolean => {
    if (text === '01') return true
    if (text === '00') return false
    if (!/^[-+]?\d+L?$/.test(text)) fail(`not an integer: ${JSON.stringify(text.slice(0, 40))}`)
    const big = BigInt(text.replace(/L$/, ''))
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(big)
      : big
  }
  /** Little-endian two's-complement integer of `n` bytes (LONG1/LONG4). */
  const long = (raw: Uint8Array): number | bigint => {
    if (raw.length === 0) return 0
    let v = 0n
    for (let i = raw.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i])
    if (raw[raw.length - 1] & 0x80) v -= 1n << BigInt(raw.length * 8)
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v
  }
  /** Protocol 0's quoted string (`'…'` or `"…"`, Python escapes). */
  const quoted = (text: string): string => {
    const q = text[0]
    if ((q !== "'" && q !== '"') || text.length < 2 || text[text.length - 1] !== q)
      fail('a STRING argument without quotes')
    return unescape(text.slice(1, -1), fail)
  }

  for (;;) {
    at = pos
    const op = u8()
    switch (op) {
      case 0x80: // PROTO
        if (u8() > 5) fail('a pickle protocol newer than 5')
        break
      case 0x95: // FRAME
        u64()
        break
      case 0x2e: // STOP
        if (stack.length !== 1) fail(`STOP with ${stack.length} items on the stack`)
        return value(stack[0])
      case 0x28: // MARK
        stack.push(MARK)
        break
      case 0x30: // POP
        pop()
        break
      case 0x31: // POP_MARK
        popMark()
        break
      case 0x32: // DUP
        stack.push(top())
        break
      case 0x4e: // NONE
        stack.push(null)
        break
      case 0x88: // NEWTRUE
        stack.push(true)
        break
      case 0x89: // NEWFALSE
        stack.push(false)
        break
      case 0x49: // INT
        stack.push(int(textLine()))
        break
      case 0x4c: // LONG
        stack.push(int(textLine()) as number | bigint)
        break
      case 0x4a: // BININT
        need(4)
        stack.push(view.getInt32(pos, true))
        pos += 4
        break
      case 0x4b: // BININT1
        stack.push(u8())
        break
      case 0x4d: // BININT2
        need(2)
        stack.push(view.getUint16(pos, true))
        pos += 2
        break
      case 0x8a: // LONG1
        stack.push(long(take(u8())))
        break
      case 0x8b: {
        // LONG4
        const n = view.getInt32((need(4), pos), true)
        pos += 4
        stack.push(long(take(n)))
        break
      }
      case 0x46: {
        // FLOAT
        const text = textLine().trim()
        const f = Number(text)
        if (Number.isNaN(f) && text.toLowerCase() !== 'nan')
          fail(`not a float: ${JSON.stringify(text)}`)
        stack.push(f)
        break
      }
      case 0x47: // BINFLOAT (big-endian)
        need(8)
        stack.push(view.getFloat64(pos, false))
        pos += 8
        break
      case 0x53: // STRING
        stack.push(quoted(textLine()))
        break
      case 0x54: // BINSTRING (Python 2 str: bytes, read as Latin-1 text)
        stack.push(latin1.decode(take(u32())))
        break
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(take(u8())))
        break
      case 0x56: // UNICODE (raw-unicode-escape)
        stack.push(
          textLine().replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, a, b) =>
            String.fromCodePoint(parseInt(a ?? b, 16)),
          ),
        )
        break
      case 0x58: // BINUNICODE
        stack.push(str(take(u32())))
        break
      case 0x8c: // SHORT_BINUNICODE
        stack.push(str(take(u8())))
        break
      case 0x8d: // BINUNICODE8
        stack.push(str(take(u64())))
        break
      case 0x42: // BINBYTES
        stack.push(take(u32()).slice())
        break
      case 0x43: // SHORT_BINBYTES
        stack.push(take(u8()).slice())
        break
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        stack.push(take(u64()).slice())
        break
      case 0x29: // EMPTY_TUPLE
        stack.push(new PickleTuple([]))
        break
      case 0x74: // TUPLE
        stack.push(new PickleTuple(popMark()))
        break
      case 0x85: // TUPLE1
      case 0x86: // TUPLE2
      case 0x87: {
        // TUPLE3
        const n = op - 0x84
        if (stack.length < n) fail('the stack is empty')
        stack.push(new PickleTuple(stack.splice(stack.length - n).map(value)))
        break
      }
      case 0x5d: // EMPTY_LIST
        stack.push([])
        break
      case 0x6c: // LIST
        stack.push(popMark())
        break
      case 0x61: {
        // APPEND
        const v = popValue()
        asList(top()).push(v)
        break
      }
      case 0x65: {
        // APPENDS
        const items = popMark()
        pushAll(asList(top()), items)
        break
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new PickleDict())
        break
      case 0x64: {
        // DICT
        const items = popMark()
        const d = new PickleDict()
        setItems(d, items, fail)
        stack.push(d)
        break
      }
      case 0x73: {
        // SETITEM
        const v = popValue()
        const k = popValue()
        asDict(top()).entries.push([k, v])
        break
      }
      case 0x75: {
        // SETITEMS
        const items = popMark()
        setItems(asDict(top()), items, fail)
        break
      }
      case 0x8f: // EMPTY_SET (a set as a list of its items)
        stack.push([])
        break
      case 0x90: {
        // ADDITEMS
        const items = popMark()
        pushAll(asList(top()), items)
        break
      }
      case 0x91: // FROZENSET
        stack.push(popMark())
        break
      case 0x70: // PUT
        memo.set(Number(int(textLine())), top())
        break
      case 0x71: // BINPUT
        memo.set(u8(), top())
        break
      case 0x72: // LONG_BINPUT
        memo.set(u32(), top())
        break
      case 0x94: // MEMOIZE
        memo.set(memo.size, top())
        break
      case 0x67: // GET
      case 0x68: // BINGET
      case 0x6a: {
        // LONG_BINGET
        const key = op === 0x67 ? Number(int(textLine())) : op === 0x68 ? u8() : u32()
        if (!memo.has(key)) fail(`a memo reference to ${key}, which was never stored`)
        stack.push(memo.get(key)!)
        break
      }
      case 0x63: {
        // GLOBAL
        const module = textLine()
        global(module, textLine())
        break
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = popValue()
        const module = popValue()
        if (typeof module !== 'string' || typeof name !== 'string')
          fail('STACK_GLOBAL of non-strings')
        global(module as string, name as string)
        break
      }
      case 0x81: {
        // NEWOBJ: cls.__new__(cls, *args); args are ignored (no code runs)
        pop()
        stack.push(instance(pop()))
        break
      }
      case 0x92: {
        // NEWOBJ_EX
        pop()
        pop()
        stack.push(instance(pop()))
        break
      }
      case 0x52: {
        // REDUCE: only copyreg._reconstructor(cls, object, None), which makes a bare instance.
        const args = popValue()
        const fn = pop()
        if (!(fn instanceof PickleGlobal) || !RECONSTRUCTOR.has(fn.fullName))
          fail(
            `a call of ${fn instanceof PickleGlobal ? fn.fullName : 'a value'}, which profconv does not make`,
          )
        const cls = args instanceof PickleTuple ? args.items[0] : undefined
        const base = args instanceof PickleTuple ? args.items[1] : undefined
        if (!(base instanceof PickleGlobal) || !OBJECT.has(base.fullName))
          fail('copyreg._reconstructor of a class not based on object')
        stack.push(instance(cls ?? null))
        break
      }
      case 0x62: {
        // BUILD
        const state = popValue()
        const obj = top()
        if (!(obj instanceof PickleObject)) fail('BUILD on something that is not an instance')
        ;(obj as PickleObject).state = state
        break
      }
      default:
        fail(
          op === 0x50 || op === 0x51
            ? 'persistent ids are not supported'
            : op >= 0x82 && op <= 0x84
              ? 'extension codes (copyreg) are not supported'
              : op === 0x97 || op === 0x98
                ? 'out-of-band buffers are not supported'
                : op === 0x69 || op === 0x6f
                  ? 'old-style class instances (INST/OBJ) are not supported'
                  : `unknown pickle opcode 0x${op.toString(16).padStart(2, '0')}`,
        )
    }
  }
}

function setItems(dict: PickleDict, items: PickleValue[], fail: (r: string) => never): void {
  if (items.length % 2 !== 0) fail('a dict with a key and no value')
  for (let i = 0; i < items.length; i += 2) dict.entries.push([items[i], items[i + 1]])
}

/** Python string escapes of protocol 0's STRING. */
function unescape(text: string, fail: (r: string) => never): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16))
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8))
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      '\\': '\\',
      "'": "'",
      '"': '"',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
    }
    return simple[e] ?? fail(`an unknown escape \\${e}`)
  })
}

/** `target.push(...items)` without spreading a huge array into arguments. */
function pushAll(target: PickleValue[], items: PickleValue[]): void {
  for (const item of items) target.push(item)
}

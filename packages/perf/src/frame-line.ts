import type { Frame } from '@profconv/model'
import { isDigits, isSpace, skipSpaces, tokenEnd } from './header.js'

/**
 * The frame of `addr sym+0x1c (dso)` text (a call-chain line without its address, or the tail of
 * a header line): the symbol without its offset (`[unknown]` kept, and used when no symbol is
 * printed; with its dso's name, `[unknown] (libfoo.so)`, where the dso is known), the dso's base
 * name as the module; `(inlined)` in place of the dso marks an inlined
 * frame. Undefined when `text` does not start with a hexadecimal address.
 */
export function parseFrame(text: string, from = 0): Frame | undefined {
  const start = skipSpaces(text, from)
  const end = tokenEnd(text, start)
  if (!isHex(text, start, end)) return undefined
  let sym = text.slice(skipSpaces(text, end)).trimEnd()
  let dso: string | undefined
  if (sym.endsWith(')')) {
    const open = sym.lastIndexOf(' (')
    if (open >= 0) {
      dso = sym.slice(open + 2, -1)
      sym = sym.slice(0, open).trimEnd()
    } else if (sym.startsWith('(')) {
      dso = sym.slice(1, -1)
      sym = ''
    }
  }
  let name = withoutOffset(sym) || UNKNOWN
  if (dso === 'inlined') return { name, inlined: true }
  const module = dso === undefined || dso === UNKNOWN ? undefined : baseName(dso)
  // perf report keeps the unnamed code of each dso apart; so does the name (`[unknown] (libfoo.so)`).
  if (module && name === UNKNOWN) name = unknownIn(module)
  return module ? { name, module } : { name }
}

/** What perf prints for a symbol or dso it cannot name. */
const UNKNOWN = '[unknown]'

/** The name of code without a symbol in `module`: `[unknown] (libfoo.so)`. */
export function unknownIn(module: string): string {
  return `${UNKNOWN} (${module})`
}

/** `leaf+0x33` → `leaf`. */
function withoutOffset(sym: string): string {
  const plus = sym.lastIndexOf('+0x')
  return plus > 0 && isHex(sym, plus + 3, sym.length) ? sym.slice(0, plus) : sym
}

function baseName(path: string): string {
  const dsoOffset = path.lastIndexOf('+0x')
  if (dsoOffset > 0 && isHex(path, dsoOffset + 3, path.length)) path = path.slice(0, dsoOffset)
  return path.slice(path.lastIndexOf('/') + 1) || path
}

function isHex(text: string, start: number, end: number): boolean {
  if (start >= end) return false
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false
  }
  return true
}

/** True for a line of a call chain: indented. */
export function isIndented(line: string): boolean {
  return line.length > 0 && isSpace(line.charCodeAt(0))
}

/** Where `-F +srcline` says a frame is: a file and 1-based line, or neither (line 0). */
export interface Srcline {
  file?: string
  line: number
}

/**
 * The source line perf prints under a frame with `-F +srcline`, in each shape it uses:
 * `file.c:12` (optionally followed by ` (discriminator N)`), `??:0` or `:0` (unknown),
 * `DSO[addr]` (`[kernel.kallsyms][ffffffff813aecd3]`, `libc.so.6[29d90]`: no debug info) and
 * `SYM+off` (`main+0x1c`, `main+28`). Only the first shape names a place; the others give line 0.
 * Undefined when `line` is none of these.
 */
export function parseSrcline(line: string): Srcline | undefined {
  let text = line.trim()
  if (text === '') return undefined
  const disc = text.indexOf(' (discriminator ')
  if (disc > 0 && text.endsWith(')')) text = text.slice(0, disc)
  const colon = text.lastIndexOf(':')
  if (colon >= 0 && isDigits(text, colon + 1, text.length)) {
    const file = text.slice(0, colon)
    const lineNo = Number(text.slice(colon + 1))
    if (file === '' || file === '??') return { line: 0 }
    return { file, line: Number.isSafeInteger(lineNo) && lineNo <= 0x7fffffff ? lineNo : 0 }
  }
  if (text.endsWith(']')) {
    const open = text.lastIndexOf('[')
    if (open > 0 && isHex(text, open + 1, text.length - 1)) return { line: 0 }
  }
  const plus = text.lastIndexOf('+')
  if (plus > 0 && !/\s/.test(text)) {
    const hex = text.startsWith('0x', plus + 1)
    if (hex ? isHex(text, plus + 3, text.length) : isDigits(text, plus + 1, text.length)) {
      return { line: 0 }
    }
  }
  return undefined
}

/**
 * The instruction address a frame line starts with as exact upper and lower 32-bit halves;
 * [0, 0] (unknown) when it is not 1 to 16 hexadecimal digits.
 */
export function parseAddress(text: string): [number, number] {
  const start = skipSpaces(text, 0)
  const end = tokenEnd(text, start)
  if (end - start > 16 || !isHex(text, start, end)) return [0, 0]
  const split = Math.max(start, end - 8)
  const hi = split > start ? parseInt(text.slice(start, split), 16) : 0
  return [hi, parseInt(text.slice(split, end), 16)]
}

import type { Frame } from '@profconv/model'
import { isSpace, skipSpaces, tokenEnd } from './header.js'

/**
 * The frame of `addr sym+0x1c (dso)` text (a call-chain line without its address, or the tail of
 * a header line): the symbol without its offset (`[unknown]` kept, and used when no symbol is
 * printed), the dso's base name as the module; `(inlined)` in place of the dso marks an inlined
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
  const name = withoutOffset(sym) || '[unknown]'
  if (dso === 'inlined') return { name, inlined: true }
  const module = dso === undefined || dso === '[unknown]' ? undefined : baseName(dso)
  return module ? { name, module } : { name }
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

/** `  file.c:12` (or `??:0`) printed after a frame by `-F +srcline`. */
export function isSourceLine(line: string): boolean {
  const text = line.trim()
  const colon = text.lastIndexOf(':')
  return colon > 0 && !text.includes(' ')
}

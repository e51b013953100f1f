import type { Frame } from '@profconv/model'

/**
 * What a Gecko frame's location string says about its function, read the way the Firefox
 * Profiler's processing reads it:
 * - `0x7ffe12` — an unsymbolicated address: the address is the name, the library holding it
 *   the module (`libOf`);
 * - `name (in library) + 12`, `name (in library) (file:line)`, `name (in library)` — a native
 *   function of that library (a leading `non-virtual thunk to ` dropped);
 * - `name (url:line:column)`, `url:line:column` (optionally `[source index]` after it) — a
 *   JavaScript function; without a name it is `(root scope) url`; `a -> b` URLs keep `b`;
 * - anything else — a label frame named by the whole string.
 */
export function functionOfLocation(
  location: string,
  libOf: (address: string) => string | undefined,
): Frame {
  if (location.startsWith('0x')) {
    const module = libOf(location)
    return module !== undefined ? { name: location, module } : { name: location }
  }
  return nativeFunction(location) ?? jsFunction(location) ?? { name: location }
}

const THUNK = 'non-virtual thunk to '

function nativeFunction(location: string): Frame | undefined {
  const open = location.lastIndexOf(' (in ')
  if (open < 0) return undefined
  const close = location.indexOf(')', open + 5)
  if (close < 0) return undefined
  const rest = location.slice(close + 1)
  // After the library: nothing, ` + 1234`, or ` (file:line)` (tested without a regex that could
  // backtrack over a long hostile tail).
  const position = rest.startsWith(' (') && rest.endsWith(')') && rest.includes(':')
  if (rest !== '' && !/^ \+ [0-9]+$/.test(rest) && !position) return undefined
  let name = location.slice(0, open)
  if (name.startsWith(THUNK)) name = name.slice(THUNK.length)
  return { name, module: location.slice(open + 5, close) }
}

function jsFunction(location: string): Frame | undefined {
  let text = location
  const sourceIndex = /\[\d+\]$/.exec(text)
  if (sourceIndex) text = text.slice(0, sourceIndex.index)
  if (text.endsWith(')')) {
    const open = text.lastIndexOf(' (')
    if (open >= 0) {
      const inside = position(text.slice(open + 2, -1))
      if (inside) return jsFrame(text.slice(0, open), inside)
    }
  }
  const whole = position(text)
  return whole ? jsFrame('', whole) : undefined
}

function jsFrame(name: string, at: { url: string; line: number; column?: number }): Frame {
  const parts = at.url.split(' -> ')
  const url = parts[parts.length - 1]
  const frame: { -readonly [K in keyof Frame]: Frame[K] } = {
    name: name || `(root scope) ${url}`,
    file: url,
    line: at.line,
  }
  if (at.column !== undefined) frame.column = at.column
  return frame
}

/** `url:line` or `url:line:column`, the URL as short as it can be (the profiler's lazy match). */
function position(text: string): { url: string; line: number; column?: number } | undefined {
  const m = /:([0-9]+)(?::([0-9]+))?$/.exec(text)
  if (!m) return undefined
  // With two numbers the URL ends before the first; `url` must not be empty.
  if (m.index === 0) return undefined
  const url = text.slice(0, m.index)
  return m[2] !== undefined
    ? { url, line: Number(m[1]), column: Number(m[2]) }
    : { url, line: Number(m[1]) }
}

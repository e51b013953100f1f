import { ProfconvError, decodeText, textEncoding } from '@profconv/model'

const FORMAT = 'chrome-trace'

/** Events are parsed in batches of about this many bytes (one small string each). */
const BATCH = 1 << 20
/** Top-level values other than traceEvents up to this size are parsed for the reader. */
const SMALL = 64 * 1024

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const COMMA = 0x2c
const COLON = 0x3a

/**
 * Calls `onEvent` for every element of a trace's event array, in file order, without making one
 * string of the whole file: the bytes are scanned for element boundaries and parsed with
 * `JSON.parse` a batch (~1 MiB) at a time. Takes both forms of the Trace Event Format: a JSON
 * array (whose closing `]` may be missing, as the format allows for traces cut short) and an
 * object whose `traceEvents` holds the array (its other keys are skipped). `onEvent` also gets
 * the byte offset of the batch, for error positions.
 */
export function scanTraceEvents(
  input: Uint8Array,
  onEvent: (event: unknown, offset: number) => void,
  onKey?: (key: string, value: unknown) => void,
): void {
  // UTF-16 input (a BOM) is rare: re-encode it as UTF-8 first.
  const bytes =
    textEncoding(input) === 'utf-8' ? input : new TextEncoder().encode(decodeText(input))
  const decoder = new TextDecoder('utf-8')
  let at = skipSpace(bytes, bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0)
  if (bytes[at] === OPEN_BRACKET) {
    at = scanArray(bytes, at, decoder, onEvent, true)
  } else if (bytes[at] === OPEN_BRACE) {
    at = scanObject(bytes, at, decoder, onEvent, onKey)
  } else {
    fail('a trace is a JSON array of events or an object with traceEvents', at)
  }
  at = skipSpace(bytes, at)
  if (at < bytes.length) fail('unexpected text after the trace', at)
}

/**
 * Scans the top-level object: `traceEvents` is scanned; every other value is skipped, or given
 * to `onKey` when it is small (`otherData`, `displayTimeUnit`).
 */
function scanObject(
  bytes: Uint8Array,
  start: number,
  decoder: TextDecoder,
  onEvent: (event: unknown, offset: number) => void,
  onKey?: (key: string, value: unknown) => void,
): number {
  let at = skipSpace(bytes, start + 1)
  let found = false
  if (bytes[at] === CLOSE_BRACE) fail('the trace object has no traceEvents', at)
  for (;;) {
    if (bytes[at] !== QUOTE) fail('expected a key in the trace object', at)
    const keyEnd = skipString(bytes, at)
    const key = decoder.decode(bytes.subarray(at + 1, keyEnd - 1))
    at = skipSpace(bytes, keyEnd)
    if (bytes[at] !== COLON) fail(`expected ':' after the key "${key}"`, at)
    at = skipSpace(bytes, at + 1)
    if (key === 'traceEvents') {
      if (bytes[at] !== OPEN_BRACKET) fail('traceEvents is not an array', at)
      at = scanArray(bytes, at, decoder, onEvent, false)
      found = true
    } else {
      const end = skipValue(bytes, at)
      if (onKey && end - at <= SMALL) onKey(key, parseValue(decoder, bytes, at, end))
      at = end
    }
    at = skipSpace(bytes, at)
    if (bytes[at] === COMMA) {
      at = skipSpace(bytes, at + 1)
      continue
    }
    if (bytes[at] === CLOSE_BRACE) break
    fail("expected ',' or '}' in the trace object", at)
  }
  if (!found) fail('the trace object has no traceEvents', at)
  return at + 1
}

/**
 * Scans an array of events from its `[`, parsing elements in batches; returns the offset after
 * its `]`. With `open` (the top-level array form) the input may end before the `]`, and after a
 * trailing comma.
 */
function scanArray(
  bytes: Uint8Array,
  start: number,
  decoder: TextDecoder,
  onEvent: (event: unknown, offset: number) => void,
  open: boolean,
): number {
  let at = skipSpace(bytes, start + 1)
  let batchStart = at
  let batchEnd = at
  const flush = (): void => {
    if (batchEnd <= batchStart) return
    const text = decoder.decode(bytes.subarray(batchStart, batchEnd))
    let events: unknown[]
    try {
      events = JSON.parse(`[${text}]`) as unknown[]
    } catch (error) {
      const message = (error as Error).message
      const pos = /position (\d+)/.exec(message)
      // The position counts UTF-16 units of the batch after '[': close enough for ASCII traces.
      fail(`not valid JSON (${message})`, batchStart + (pos ? Math.max(0, Number(pos[1]) - 1) : 0))
    }
    for (const event of events) onEvent(event, batchStart)
  }
  if (bytes[at] === CLOSE_BRACKET) return at + 1
  for (;;) {
    if (at >= bytes.length) {
      if (open) break // cut short after a comma
      fail('the traceEvents array is not closed', at)
    }
    const end = skipValue(bytes, at)
    batchEnd = end
    at = skipSpace(bytes, end)
    if (bytes[at] === COMMA) {
      at = skipSpace(bytes, at + 1)
      if (end - batchStart >= BATCH) {
        flush()
        batchStart = batchEnd = at
      }
      // A trailing comma before ']' is tolerated, as chrome://tracing does.
      if (bytes[at] === CLOSE_BRACKET) {
        at++
        break
      }
      continue
    }
    if (bytes[at] === CLOSE_BRACKET) {
      at++
      break
    }
    if (at >= bytes.length && open) break // cut short after an event
    fail("expected ',' or ']' between trace events", at)
  }
  flush()
  return at
}

/** A small top-level value, parsed (undefined when it is not valid JSON). */
function parseValue(decoder: TextDecoder, bytes: Uint8Array, start: number, end: number): unknown {
  try {
    return JSON.parse(decoder.decode(bytes.subarray(start, end)))
  } catch {
    return undefined
  }
}

/** The offset after the JSON value at `at` (an object, array, string or scalar). */
function skipValue(bytes: Uint8Array, at: number): number {
  const first = bytes[at]
  if (first === QUOTE) return skipString(bytes, at)
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let end = at
    for (; end < bytes.length; end++) {
      const b = bytes[end]
      if (b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || b <= 0x20) break
    }
    if (end === at) fail('expected a JSON value', at)
    return end
  }
  // Objects and arrays: count the depth; strings may hold brackets.
  let depth = 0
  for (let i = at; i < bytes.length; i++) {
    const b = bytes[i]
    if (b === QUOTE) {
      i = skipString(bytes, i) - 1
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      depth++
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1
    }
  }
  return fail('the trace ends inside a JSON value', at)
}

/** The offset after the string whose opening quote is at `at`. */
function skipString(bytes: Uint8Array, at: number): number {
  for (let i = at + 1; i < bytes.length; i++) {
    const b = bytes[i]
    if (b === QUOTE) return i + 1
    if (b === BACKSLASH) i++
  }
  return fail('the trace ends inside a string', at)
}

function skipSpace(bytes: Uint8Array, at: number): number {
  while (at < bytes.length && bytes[at] <= 0x20) at++
  return at
}

function fail(reason: string, offset: number): never {
  throw new ProfconvError(FORMAT, reason, { offset })
}

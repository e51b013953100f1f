import { decodeText, textEncoding } from '@profconv/model'
import { JsonBytes } from './json-bytes.js'
import { ProfileData } from './profile-data.js'

const FORMAT = 'chrome-trace'

/** Top-level values other than traceEvents up to this size are parsed for the reader. */
const SMALL = 64 * 1024

const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const QUOTE = 0x22
const COMMA = 0x2c
const MINUS = 0x2d
const ZERO = 0x30
const NINE = 0x39

/**
 * One trace event, as far as the reader looks at it. The scanner fills one record again for
 * every event (no object per event); strings are shared between events with the same bytes.
 */
export interface TraceEvent {
  /** Index in the event array. */
  index: number
  /** Byte offset of the event's `{`. */
  offset: number
  /** `ph`, undefined when missing or not a string. */
  ph: string | undefined
  /** `pid` and `tid` as text (numbers as `String` writes them), '' when missing. */
  pid: string
  tid: string
  /** `ts` and `dur` (µs), NaN when missing or not numbers. */
  ts: number
  dur: number
  /** `name` as a string, undefined when missing or null. */
  name: string | undefined
  /** False when `name` was not a JSON string (and `name` is its `String` form). */
  nameIsString: boolean
  /** Equal names have equal ids (`JsonBytes.stringId`); -1 when `name` is not a string. */
  nameId: number
  /** `id` as text, undefined when missing. */
  id: string | undefined
  /** Whether `args` is an object; its scalar members below (undefined when absent). */
  hasArgs: boolean
  argName: unknown
  argFile: unknown
  argFilename: unknown
  argLine: unknown
  argColumn: unknown
  argModule: unknown
  /** `args.data` when it is an object, read as a V8 CPU profile's (one record, refilled). */
  data: ProfileData | undefined
}

/**
 * Calls `onEvent` for every element of a trace's event array, in file order, without making one
 * string of the whole file or an object per event: the bytes are read where they lie (see
 * `JsonBytes`), into one `TraceEvent` record that is refilled for each event. Takes both forms
 * of the Trace Event Format: a JSON array (whose closing `]` may be missing, as the format
 * allows for traces cut short) and an object whose `traceEvents` holds the array (its other keys
 * are skipped, or given to `onKey` when small). `json` reads what is left (`cpuProfile.nodes`).
 */
export function scanTraceEvents(
  input: Uint8Array,
  onEvent: (event: TraceEvent, json: JsonBytes) => void,
  onKey?: (key: string, value: unknown) => void,
): void {
  // UTF-16 input (a BOM) is rare: re-encode it as UTF-8 first.
  const bytes =
    textEncoding(input) === 'utf-8' ? input : new TextEncoder().encode(decodeText(input))
  const json = new JsonBytes(bytes, FORMAT)
  json.at = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
  json.gap()
  const first = json.peek()
  if (first === OPEN_BRACKET) {
    scanArray(json, onEvent, true)
  } else if (first === OPEN_BRACE) {
    scanObject(json, onEvent, onKey)
  } else {
    json.fail('a trace is a JSON array of events or an object with traceEvents')
  }
  json.gap()
  if (json.at < bytes.length) json.fail('unexpected text after the trace')
}

/** Scans the top-level object: `traceEvents` is scanned, other values skipped or parsed. */
function scanObject(
  json: JsonBytes,
  onEvent: (event: TraceEvent, json: JsonBytes) => void,
  onKey?: (key: string, value: unknown) => void,
): void {
  let found = false
  if (!json.enterObject()) json.fail('the trace object has no traceEvents', json.at - 1)
  do {
    if (json.peek() !== QUOTE) json.fail('expected a key in the trace object')
    json.key()
    if (json.keyIs('traceEvents')) {
      if (json.peek() !== OPEN_BRACKET) json.fail('traceEvents is not an array')
      scanArray(json, onEvent, false)
      found = true
    } else {
      const key = json.keyText()
      const start = json.at
      json.skip()
      if (onKey && json.at - start <= SMALL) {
        const end = json.at
        json.at = start
        onKey(key, json.parse())
        json.at = end
      }
    }
  } while (json.next(CLOSE_BRACE))
  if (!found) json.fail('the trace object has no traceEvents', json.at - 1)
}

/**
 * Scans an array of events from its `[` to after its `]`. With `open` (the top-level array
 * form) the input may end before the `]`, and after a trailing comma.
 */
function scanArray(
  json: JsonBytes,
  onEvent: (event: TraceEvent, json: JsonBytes) => void,
  open: boolean,
): void {
  const bytes = json.bytes
  const event = emptyEvent()
  const data = new ProfileData()
  json.at++
  json.gap()
  if (json.peek() === CLOSE_BRACKET) {
    json.at++
    return
  }
  for (let index = 0; ; index++) {
    if (json.at >= bytes.length) {
      if (open) return // cut short after a comma
      json.fail('the traceEvents array is not closed')
    }
    scanEvent(json, event, data, index)
    onEvent(event, json)
    json.gap()
    const b = json.peek()
    if (b === COMMA) {
      json.at++
      json.gap()
      // A trailing comma before ']' is tolerated, as chrome://tracing does.
      if (json.peek() === CLOSE_BRACKET) {
        json.at++
        return
      }
      continue
    }
    if (b === CLOSE_BRACKET) {
      json.at++
      return
    }
    if (json.at >= bytes.length && open) return // cut short after an event
    json.fail("expected ',' or ']' between trace events")
  }
}

/** Reads the event at the cursor into `event`. */
function scanEvent(json: JsonBytes, event: TraceEvent, data: ProfileData, index: number): void {
  const bytes = json.bytes
  event.index = index
  event.offset = json.at
  event.ph = undefined
  event.pid = event.tid = ''
  event.ts = event.dur = NaN
  event.name = event.id = undefined
  event.nameIsString = true
  event.nameId = -1
  event.hasArgs = false
  event.argName = event.argFile = event.argFilename = undefined
  event.argLine = event.argColumn = event.argModule = undefined
  event.data = undefined
  if (json.peek() !== OPEN_BRACE) {
    json.skip()
    json.fail(`event ${index} is not an object`, event.offset)
  }
  if (!json.enterObject()) return
  do {
    json.key()
    const b = bytes[json.at]
    // Keys by their bytes: the first byte and length pick the candidate.
    const length = json.keyEscaped ? -1 : json.keyEnd - json.keyStart
    const k = length > 0 ? bytes[json.keyStart] : 0
    if (length === 2 && k === 0x70 && json.keyIs('ph')) {
      event.ph = b === QUOTE ? json.string() : (json.skip(), undefined)
    } else if (length === 2 && k === 0x74 && json.keyIs('ts')) {
      event.ts = isNumberStart(b) ? json.number() : (json.skip(), NaN)
    } else if (length === 3 && k === 0x64 && json.keyIs('dur')) {
      event.dur = isNumberStart(b) ? json.number() : (json.skip(), NaN)
    } else if (length === 3 && k === 0x70 && json.keyIs('pid')) {
      event.pid = json.idText()
    } else if (length === 3 && k === 0x74 && json.keyIs('tid')) {
      event.tid = json.idText()
    } else if (length === 4 && k === 0x6e && json.keyIs('name')) {
      if (b === QUOTE) {
        event.name = json.string()
        event.nameIsString = true
        event.nameId = json.stringId
      } else {
        const value =
          json.peek() === OPEN_BRACE || b === OPEN_BRACKET ? json.parse() : json.scalar()
        event.name = value === null ? undefined : String(value)
        event.nameIsString = false
        event.nameId = -1
      }
    } else if (length === 2 && k === 0x69 && json.keyIs('id')) {
      event.id = json.idText()
    } else if (length === 4 && k === 0x61 && json.keyIs('args')) {
      scanArgs(json, event, data)
    } else if (length < 0) {
      // An escaped key: compare its text.
      const key = json.keyText()
      if (key === 'ph' || key === 'ts' || key === 'dur' || key === 'pid' || key === 'tid') {
        const value = json.scalar()
        if (key === 'ph') event.ph = typeof value === 'string' ? value : undefined
        else if (key === 'ts') event.ts = typeof value === 'number' ? value : NaN
        else if (key === 'dur') event.dur = typeof value === 'number' ? value : NaN
        else if (key === 'pid') event.pid = idOf(value)
        else event.tid = idOf(value)
      } else {
        json.skip()
      }
    } else {
      json.skip()
    }
  } while (json.next(CLOSE_BRACE))
}

/** The members of `args` the reader uses; `args.data` into `data`. */
function scanArgs(json: JsonBytes, event: TraceEvent, data: ProfileData): void {
  // A repeated key counts as JSON.parse counts it: the last one.
  event.argName = event.argFile = event.argFilename = undefined
  event.argLine = event.argColumn = event.argModule = undefined
  event.data = undefined
  event.hasArgs = json.peek() === OPEN_BRACE
  if (!event.hasArgs) {
    json.skip()
    return
  }
  if (!json.enterObject()) return
  do {
    json.key()
    if (json.keyIs('name')) event.argName = json.scalar()
    else if (json.keyIs('filename')) event.argFilename = json.scalar()
    else if (json.keyIs('file')) event.argFile = json.scalar()
    else if (json.keyIs('line')) event.argLine = json.scalar()
    else if (json.keyIs('column')) event.argColumn = json.scalar()
    else if (json.keyIs('module')) event.argModule = json.scalar()
    else if (json.keyIs('data')) {
      if (json.peek() === OPEN_BRACE) {
        data.read(json)
        event.data = data
      } else {
        event.data = undefined
        json.skip()
      }
    } else json.skip()
  } while (json.next(CLOSE_BRACE))
}

function isNumberStart(b: number): boolean {
  return b === MINUS || (b >= ZERO && b <= NINE)
}

/** pids and tids are numbers in Chrome, strings in some producers. */
function idOf(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : ''
}

function emptyEvent(): TraceEvent {
  return {
    index: 0,
    offset: 0,
    ph: undefined,
    pid: '',
    tid: '',
    ts: NaN,
    dur: NaN,
    name: undefined,
    nameIsString: true,
    nameId: -1,
    id: undefined,
    hasArgs: false,
    argName: undefined,
    argFile: undefined,
    argFilename: undefined,
    argLine: undefined,
    argColumn: undefined,
    argModule: undefined,
    data: undefined,
  }
}

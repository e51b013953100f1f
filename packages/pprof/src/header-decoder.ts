import type {
  FunctionMessage,
  LineMessage,
  LocationMessage,
  MappingMessage,
  ProfileMessage,
  ValueTypeMessage,
} from './proto.js'
import { LENGTH_DELIMITED, VARINT, WireReader, within } from './wire.js'

/**
 * Decodes everything of a `Profile` but its samples, by hand, into plain objects equal to what
 * protobufjs decodes (proto.ts's `decodeProfileHeaderWithProtobufjs`, which the tests compare it
 * with): `sample` is left empty, `SampleDecoder` reads samples from the same bytes. protobufjs
 * remains the schema and the encoder; decoding 50k locations, 50k functions and 100k strings it
 * spent ~0.25–0.3 s (half of it garbage collection: a class instance per message, strings built
 * eight bytes at a time), this ~3x less. Unlike protobufjs, a known field of the wrong wire type
 * is an error, and every error is a ProfconvError that names the byte offset.
 */
export function decodeProfileHeader(bytes: Uint8Array): ProfileMessage {
  const r = new WireReader(bytes)
  r.offsetInReason = true
  const p: ProfileMessage = {
    sampleType: [],
    sample: [],
    mapping: [],
    location: [],
    function: [],
    stringTable: [],
    dropFrames: 0,
    keepFrames: 0,
    timeNanos: 0,
    durationNanos: 0,
    periodType: null,
    period: 0,
    comment: [],
    defaultSampleType: 0,
    docUrl: 0,
  }
  const strings = new StringReader(bytes)
  while (r.pos < r.end) {
    const tag = r.tag()
    const field = tag >>> 3
    const wireType = tag & 7
    if (field === 2 && wireType === LENGTH_DELIMITED) {
      r.skip(wireType) // a sample: SampleDecoder's
    } else if (field === 6 && wireType === LENGTH_DELIMITED) {
      const length = r.length()
      p.stringTable.push(strings.read(r, r.pos, r.pos + length))
      r.pos += length
    } else if (field === 4 && wireType === LENGTH_DELIMITED) {
      p.location.push(within(r, location))
    } else if (field === 5 && wireType === LENGTH_DELIMITED) {
      p.function.push(within(r, fn))
    } else if (field === 3 && wireType === LENGTH_DELIMITED) {
      p.mapping.push(within(r, decodeMapping))
    } else if (field === 1 && wireType === LENGTH_DELIMITED) {
      p.sampleType.push(within(r, (r) => decodeValueType(r)))
    } else if (field === 11 && wireType === LENGTH_DELIMITED) {
      // A message field set twice is merged, as protobuf (and protobufjs) merge it.
      const into = p.periodType ?? { type: 0, unit: 0 }
      p.periodType = within(r, (r) => decodeValueType(r, into))
    } else if (field === 13) {
      repeatedInt64(r, wireType, p.comment)
    } else if (field >= 7 && field <= 15 && field !== 11) {
      const value = int64Field(r, field, wireType)
      if (field === 7) p.dropFrames = value
      else if (field === 8) p.keepFrames = value
      else if (field === 9) p.timeNanos = value
      else if (field === 10) p.durationNanos = value
      else if (field === 12) p.period = value
      else if (field === 14) p.defaultSampleType = value
      else p.docUrl = value
    } else if (field >= 1 && field <= 6) {
      throw r.error(`profile field ${field} has wire type ${wireType}`)
    } else {
      skipUnknown(r, wireType)
    }
  }
  return p
}

/** A `ValueType` message (the reader's `end` is the message's), merged into `m`. */
export function decodeValueType(
  r: WireReader,
  m: ValueTypeMessage = { type: 0, unit: 0 },
): ValueTypeMessage {
  while (r.pos < r.end) {
    const tag = r.tag()
    const field = tag >>> 3
    if (field === 1) m.type = int64Field(r, field, tag & 7)
    else if (field === 2) m.unit = int64Field(r, field, tag & 7)
    else skipUnknown(r, tag & 7)
  }
  return m
}

/** A `Mapping` message (the reader's `end` is the message's). */
export function decodeMapping(r: WireReader): MappingMessage {
  const m: MappingMessage = {
    id: 0,
    memoryStart: 0,
    memoryLimit: 0,
    fileOffset: 0,
    filename: 0,
    buildId: 0,
    hasFunctions: false,
    hasFilenames: false,
    hasLineNumbers: false,
    hasInlineFrames: false,
  }
  while (r.pos < r.end) {
    const tag = r.tag()
    const field = tag >>> 3
    if (field < 1 || field > 10) {
      skipUnknown(r, tag & 7)
      continue
    }
    expectVarint(r, field, tag & 7)
    if (field === 1) m.id = r.uint64()
    else if (field === 2) m.memoryStart = r.uint64Exact()
    else if (field === 3) m.memoryLimit = r.uint64Exact()
    else if (field === 4) m.fileOffset = r.uint64Exact()
    else if (field === 5) m.filename = r.int64()
    else if (field === 6) m.buildId = r.int64()
    else if (field === 7) m.hasFunctions = bool(r)
    else if (field === 8) m.hasFilenames = bool(r)
    else if (field === 9) m.hasLineNumbers = bool(r)
    else m.hasInlineFrames = bool(r)
  }
  return m
}

function location(r: WireReader): LocationMessage {
  const m: LocationMessage = { id: 0, mappingId: 0, address: 0, line: [], isFolded: false }
  while (r.pos < r.end) {
    const tag = r.tag()
    const field = tag >>> 3
    const wireType = tag & 7
    if (field === 4 && wireType === LENGTH_DELIMITED) {
      m.line.push(within(r, line))
    } else if (field >= 1 && field <= 5 && field !== 4) {
      expectVarint(r, field, wireType)
      if (field === 1) m.id = r.uint64()
      else if (field === 2) m.mappingId = r.uint64()
      else if (field === 3) m.address = r.uint64Exact()
      else m.isFolded = bool(r)
    } else if (field === 4) {
      throw r.error(`location field 4 has wire type ${wireType}`)
    } else {
      skipUnknown(r, wireType)
    }
  }
  return m
}

function line(r: WireReader): LineMessage {
  const m: LineMessage = { functionId: 0, line: 0, column: 0 }
  while (r.pos < r.end) {
    const tag = r.tag()
    const field = tag >>> 3
    if (field < 1 || field > 3) {
      skipUnknown(r, tag & 7)
      continue
    }
    expectVarint(r, field, tag & 7)
    if (field === 1) m.functionId = r.uint64()
    else if (field === 2) m.line = r.int64()
    else m.column = r.int64()
  }
  return m
}

function fn(r: WireReader): FunctionMessage {
  const m: FunctionMessage = { id: 0, name: 0, systemName: 0, filename: 0, startLine: 0 }
  while (r.pos < r.end) {
    const tag = r.tag()
    const field = tag >>> 3
    if (field < 1 || field > 5) {
      skipUnknown(r, tag & 7)
      continue
    }
    expectVarint(r, field, tag & 7)
    if (field === 1) m.id = r.uint64()
    else if (field === 2) m.name = r.int64()
    else if (field === 3) m.systemName = r.int64()
    else if (field === 4) m.filename = r.int64()
    else m.startLine = r.int64()
  }
  return m
}

/** A repeated int64, packed or not (protobufjs accepts both). */
function repeatedInt64(r: WireReader, wireType: number, into: number[]): void {
  if (wireType !== LENGTH_DELIMITED) {
    into.push(int64Field(r, 13, wireType))
    return
  }
  const end = r.length() + r.pos
  const outer = r.end
  r.end = end
  while (r.pos < end) into.push(r.int64())
  r.end = outer
}

function int64Field(r: WireReader, field: number, wireType: number): number {
  expectVarint(r, field, wireType)
  return r.int64()
}

/** protobufjs's bool: the low 32 bits of the varint are not zero. */
function bool(r: WireReader): boolean {
  return r.uint64() % 4294967296 !== 0
}

function expectVarint(r: WireReader, field: number, wireType: number): void {
  if (wireType !== VARINT) throw r.error(`field ${field} has wire type ${wireType}`)
}

/** Skips a field this decoder does not know (groups, which protobufjs skips, are refused). */
function skipUnknown(r: WireReader, wireType: number): void {
  r.skip(wireType)
}

/**
 * One decoder for every profile: `decode` without `stream` keeps no state between calls, and
 * making one per file was a fixed cost of every small profile of a merge.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * UTF-8 strings as protobufjs decodes proto3 strings: a TextDecoder that keeps a BOM and refuses
 * invalid bytes. One call per string makes a flat string, where protobufjs concatenates short
 * ASCII strings eight bytes at a time (a rope, slower to compare when top sorts by name); it was
 * as fast as `String.fromCharCode` over the bytes on the benchmark's 100k strings (~50 ms).
 */
class StringReader {
  private readonly decoder = UTF8

  constructor(private readonly bytes: Uint8Array) {}

  /** The string in `bytes[start..end)`; `r` (at `start`) gives the error's offset. */
  read(r: WireReader, start: number, end: number): string {
    if (start === end) return ''
    try {
      return this.decoder.decode(this.bytes.subarray(start, end))
    } catch {
      throw r.error('a string that is not valid UTF-8')
    }
  }
}

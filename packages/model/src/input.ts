import { Gunzip } from 'fflate'
import { ProfconvError } from './error.js'
import type { ReadOptions } from './format.js'
import type { Profile } from './profile.js'

/** Default cap on decompressed input: 4 GiB. */
export const DEFAULT_MAX_INPUT = 4 * 1024 ** 3

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b
}

/**
 * The uncompressed length a gzip member's trailer states (mod 2^32): the last 4 bytes of
 * `bytes`, little-endian.
 */
export function gzipStatedLength(bytes: Uint8Array): number {
  const n = bytes.length
  return (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0
}

/**
 * A streaming gunzip whose output goes to `onData`: it throws ProfconvError(format) when the
 * output would pass `maxBytes` (a gzip bomb) or the data is corrupt or cut short. A cut-short
 * input (the deflate stream, or the 8-byte trailer after it, ends early) is reported at the byte
 * where the input ended; other damage without a position (fflate does not give one). When
 * `onData` throws (the reader found bad data), the rest of the input is still inflated, without
 * output, and a corrupt gzip is reported rather than what its damage made the reader see: the
 * error is the same however the input was chunked, and the same as when the whole input is
 * gunzipped first.
 */
function cappedGunzip(
  format: string,
  maxBytes: number,
  onData: (chunk: Uint8Array) => void,
): (chunk: Uint8Array, final: boolean) => void {
  let size = 0
  let memberStart = 0 // output size where the last gzip member began
  let fed = 0 // compressed bytes pushed
  const tail = new Uint8Array(TRAILER) // the last bytes pushed, for the last member's trailer
  let readerError: unknown
  const gunzip = new Gunzip((chunk) => {
    size += chunk.length
    if (size > maxBytes) {
      throw new ProfconvError(
        format,
        `gzip data expands past the limit of ${maxBytes} bytes (raise it with --max-input-size)`,
      )
    }
    if (readerError !== undefined) return
    try {
      onData(chunk)
    } catch (error) {
      readerError = error
    }
  })
  gunzip.onmember = () => (memberStart = size)
  return (chunk, final) => {
    fed += chunk.length
    keepTail(tail, chunk)
    try {
      gunzip.push(chunk, final)
    } catch (error) {
      if (error instanceof ProfconvError) throw error
      if ((error as { code?: number }).code === 0)
        throw new ProfconvError(
          format,
          'gzip data ends in the middle of its compressed stream: the file is cut short',
          { offset: fed },
        )
      // fflate does not say where in the bytes pushed the damage lies.
      throw new ProfconvError(format, `corrupt gzip data (${(error as Error).message})`)
    }
    if (!final) return
    // fflate stops at the end of the deflate data and never reads the trailer (CRC-32, then
    // the length mod 2^32): a file cut inside it would read as whole, where gzip -t fails.
    if (fed < TRAILER || gzipStatedLength(tail) !== (size - memberStart) % 2 ** 32)
      throw new ProfconvError(
        format,
        `gzip data ends early: the 8-byte trailer that closes it (CRC-32, then the length) is missing, cut, or names another length than the ${(size - memberStart) % 2 ** 32} bytes decoded: the file is cut short`,
        { offset: fed },
      )
    if (readerError !== undefined) throw readerError
  }
}

/** A gzip member's trailer: CRC-32 and the uncompressed length, 4 bytes each. */
const TRAILER = 8

/** Shifts the last bytes of `chunk` into `tail`, which keeps the last `tail.length` bytes seen. */
function keepTail(tail: Uint8Array, chunk: Uint8Array): void {
  if (chunk.length >= tail.length) {
    tail.set(chunk.subarray(chunk.length - tail.length))
    return
  }
  tail.copyWithin(0, chunk.length)
  tail.set(chunk, tail.length - chunk.length)
}

/**
 * `bytes` gunzipped when they are gzip (several members concatenated are joined), else
 * unchanged. Throws when the output would pass `maxBytes` (a gzip bomb) or the data is corrupt.
 */
export function maybeGunzip(
  bytes: Uint8Array,
  format: string,
  maxBytes: number = DEFAULT_MAX_INPUT,
): Uint8Array {
  if (!isGzip(bytes)) return bytes
  const parts: Uint8Array[] = []
  const push = cappedGunzip(format, maxBytes, (chunk) => parts.push(chunk))
  const step = 1 << 20
  for (let at = 0; at < bytes.length; at += step) {
    push(bytes.subarray(at, at + step), at + step >= bytes.length)
  }
  return parts.length === 1 ? parts[0] : concatBytes(parts)
}

/**
 * Passes the bytes of a chunked input to `onData` as they arrive, gunzipped when the input is
 * gzip (decided on its first two bytes, however the chunks fall), with the same cap and errors
 * as `maybeGunzip`. The streaming readers' input stage.
 */
export async function forEachInputChunk(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  format: string,
  onData: (chunk: Uint8Array) => void,
  maxBytes: number = DEFAULT_MAX_INPUT,
): Promise<void> {
  let push: ((chunk: Uint8Array, final: boolean) => void) | undefined
  let head: Uint8Array | undefined // the first bytes, until there are two to test for gzip
  let decided = false
  for await (const chunk of chunks) {
    if (chunk.length === 0) continue
    if (decided) {
      if (push) push(chunk, false)
      else onData(chunk)
      continue
    }
    head = head ? concatBytes([head, chunk]) : chunk
    if (head.length < 2) continue
    decided = true
    if (isGzip(head)) {
      push = cappedGunzip(format, maxBytes, onData)
      push(head, false)
    } else {
      onData(head)
    }
    head = undefined
  }
  if (push) push(new Uint8Array(0), true)
  else if (head) onData(head)
}

/** The bytes of `parts` one after another, in a new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/**
 * The first bytes of the input, gunzipped if it is gzip (at least `want` bytes where there are
 * that many, never the whole of a big file): enough for sniffing. Corrupt gzip gives what was
 * decoded before the fault.
 */
export function peek(bytes: Uint8Array, want = 64 * 1024): Uint8Array {
  if (!isGzip(bytes)) return bytes.subarray(0, want)
  const parts: Uint8Array[] = []
  let size = 0
  const gunzip = new Gunzip((chunk) => {
    parts.push(chunk)
    size += chunk.length
  })
  try {
    for (let at = 0; at < bytes.length && size < want; at += 16 * 1024) {
      gunzip.push(bytes.subarray(at, at + 16 * 1024), false)
    }
  } catch {
    // keep what was decoded
  }
  return concatBytes(parts).subarray(0, want)
}

/** The text encoding a byte-order mark announces (UTF-8 without one). */
export function textEncoding(bytes: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le'
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be'
  return 'utf-8'
}

/** Decodes a whole (small) text input: BOM-aware, BOM dropped. For big inputs use `lines`. */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder(textEncoding(bytes)).decode(bytes)
}

/**
 * Splits text arriving in chunks into lines without ever holding the whole text as one string.
 * Handles a BOM (UTF-8 or UTF-16), CRLF, characters split across chunks, and a last line
 * without a newline. Line numbers are 1-based.
 */
export class LineSplitter {
  private decoder: TextDecoder | undefined
  private first: Uint8Array | undefined
  private rest = ''
  private lineNo = 0

  constructor(private readonly onLine: (line: string, lineNo: number) => void) {}

  push(chunk: Uint8Array): void {
    if (!this.decoder) {
      // A UTF-16 byte-order mark is two bytes: wait for both before choosing the decoder.
      if (this.first) chunk = concatBytes([this.first, chunk])
      if (chunk.length < 2) {
        this.first = chunk
        return
      }
      this.first = undefined
      this.decoder = new TextDecoder(textEncoding(chunk))
    }
    this.split(this.rest + this.decoder.decode(chunk, { stream: true }))
  }

  end(): void {
    if (this.first) {
      const first = this.first
      this.first = undefined
      this.decoder = new TextDecoder(textEncoding(first))
      this.rest += this.decoder.decode(first, { stream: true })
    }
    const tail = this.rest + (this.decoder?.decode() ?? '')
    this.rest = ''
    this.split(tail)
    if (this.rest !== '') this.emit(this.rest)
    this.rest = ''
  }

  private split(text: string): void {
    let from = 0
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      this.emit(text.slice(from, nl))
      from = nl + 1
    }
    this.rest = text.slice(from)
  }

  private emit(line: string): void {
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line, ++this.lineNo)
  }
}

/** Calls `onLine` for each line of `bytes` (BOM-aware, CRLF-tolerant), in 1 MiB chunks. */
export function forEachLine(
  bytes: Uint8Array,
  onLine: (line: string, lineNo: number) => void,
  chunkSize = 1 << 20,
): void {
  pushAll(new LineSplitter(onLine), bytes, chunkSize)
}

/** What takes an input in pieces and is told where it ends: the line, JSON and XML splitters. */
export interface ChunkSink {
  push(chunk: Uint8Array): void
  end(): void
}

/** `bytes` handed to `sink` `step` bytes at a time, then its end. */
export function pushAll(sink: ChunkSink, bytes: Uint8Array, step = 1 << 20): void {
  for (let at = 0; at < bytes.length; at += step) sink.push(bytes.subarray(at, at + step))
  sink.end()
}

/**
 * A chunked input (gzip accepted, at most `maxBytes` once gunzipped) handed to `sink` as it
 * arrives, cut into pieces of at most `step` bytes when given, then its end.
 */
export async function pushStream(
  sink: ChunkSink,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  format: string,
  maxBytes?: number,
  step?: number,
): Promise<void> {
  const push = step
    ? (chunk: Uint8Array) => {
        for (let at = 0; at < chunk.length; at += step) sink.push(chunk.subarray(at, at + step))
      }
    : (chunk: Uint8Array) => sink.push(chunk)
  await forEachInputChunk(chunks, format, push, maxBytes)
  sink.end()
}

/** A line-by-line reader's state: fed each line (1-based number), then asked for the profiles. */
export interface LineParser {
  readonly line: (line: string, lineNo: number) => void
  finish(): Profile[]
}

/** Options of readers built on {@link readLines} / {@link readLinesStream}. */
export interface LineReadOptions extends ReadOptions {
  /** Bytes handed to the line splitter at a time (tests use tiny chunks). Default 1 MiB. */
  chunkSize?: number
}

/** Feeds every line of `bytes` (gzip accepted) to `parser` and returns what it made. */
export function readLines(
  bytes: Uint8Array,
  format: string,
  parser: LineParser,
  options: LineReadOptions = {},
): Profile[] {
  forEachLine(maybeGunzip(bytes, format, options.maxInputSize), parser.line, options.chunkSize)
  return parser.finish()
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readLinesStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  format: string,
  parser: LineParser,
  options: LineReadOptions = {},
): Promise<Profile[]> {
  await pushStream(new LineSplitter(parser.line), chunks, format, options.maxInputSize)
  return parser.finish()
}

import { constants } from 'node:buffer'
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { constants as zlib, gunzipSync } from 'node:zlib'
import { detectFormat, inputFormat, readInput, type ReadInputOptions } from '@profconv/core'
import {
  DEFAULT_MAX_INPUT,
  gzipStatedLength,
  isGzip,
  type FormatDescriptor,
  type Profile,
} from '@profconv/model'
import { Progress, counted, type MaybeTty } from './progress.js'
import { letYoungGenerationGrow } from './young-generation.js'

/** Where an input is read from and how its reading is shown. */
export interface InputContext {
  stdin?: NodeJS.ReadableStream
  /** Where the progress bar goes; drawn only when it is a terminal. */
  stderr: MaybeTty
  /** Inputs larger than this many bytes get a progress bar. */
  progressAbove: number
  quiet: boolean
}

/** Thrown for a command-line mistake (no stdin to read, bad arguments). */
export class UsageError extends Error {}

/**
 * The profiles of one input (a file, or `-` for stdin) and the format they were read with.
 * Files whose format reads from chunks are streamed (callgrind files can be larger than
 * memory); the rest are read whole. With `contentOnly` (a file found in a folder), a file whose
 * content no format recognises is not read: the answer is undefined.
 */
export async function readOne(
  input: string,
  options: ReadInputOptions,
  context: InputContext,
  contentOnly?: boolean,
): Promise<{ format: FormatDescriptor; profiles: Profile[] } | undefined> {
  letYoungGenerationGrow()
  const readOptions = { ...options, fileName: input === '-' ? undefined : input }
  if (input === '-') {
    const bytes = await readAll(context.stdin)
    const whole = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)
    return readInput(gunzipFast(whole, options.maxInputSize), readOptions)
  }
  const small = readSmallInput(input, options, context, contentOnly)
  if (small === null) return undefined
  if (small) return { format: small.format, profiles: await readBytes(small, options, input) }
  const bar = (size: number) =>
    size > context.progressAbove && context.stderr.isTTY && !context.quiet
  const handle = await open(input, 'r')
  try {
    const { size } = await handle.stat()
    const raw = new Uint8Array(Math.min(64 * 1024, size))
    const { bytesRead } = await handle.read(raw, 0, raw.length, 0)
    const head = gunzipHead(raw.subarray(0, bytesRead))
    if (contentOnly && !options.from && !detectFormat(head)) return undefined
    const format = inputFormat(head, readOptions)
    if (!format.readStream && !bar(size)) {
      // Read whole, with nothing to show as it comes: one read, not a stream of 1 MiB chunks
      // copied together (half the CPU time for the 11 MB cProfile bench file).
      const whole = readFileSync(handle.fd)
      const bytes = new Uint8Array(whole.buffer, whole.byteOffset, whole.length)
      return {
        format,
        profiles: format.read!(gunzipFast(bytes, options.maxInputSize), readOptions),
      }
    }
    let chunks: AsyncIterable<Uint8Array> = handle.createReadStream({
      start: 0,
      highWaterMark: 1 << 20,
      autoClose: false,
    })
    if (bar(size)) chunks = counted(chunks, new Progress(context.stderr, input, size))
    if (format.readStream) return { format, profiles: await format.readStream(chunks, readOptions) }
    const bytes = gunzipFast(await collect(chunks, size), options.maxInputSize)
    return { format, profiles: format.read!(bytes, readOptions) }
  } finally {
    await handle.close()
  }
}

/** A small file's content, gunzipped, and its format. */
export interface SmallInput {
  format: FormatDescriptor
  bytes: Uint8Array
  /** The file's size (gzipped when it is). */
  size: number
}

/**
 * A file of up to {@link SMALL} bytes (and no progress bar) read whole, gunzipped, and its
 * format; null for a file found in a folder (`contentOnly`) whose content is not a profile;
 * undefined for a larger file (read by `readOne`, streamed).
 */
export function readSmallInput(
  input: string,
  options: ReadInputOptions,
  context: InputContext,
  contentOnly?: boolean,
): SmallInput | null | undefined {
  const bar = (size: number) =>
    size > context.progressAbove && context.stderr.isTTY && !context.quiet
  const small = readSmall(input, (size) => size <= SMALL && !bar(size))
  if (!small) return undefined
  // Gunzipped once, here (sniffing gzip would gunzip the head again); else a copy, as `small`
  // may be the buffer the next file is read into.
  const gunzipped = gunzipFast(small, options.maxInputSize)
  const bytes = gunzipped === small ? small.slice() : gunzipped
  // A file found in a folder is sniffed once: by content only, and that is its format.
  const sniffed = contentOnly && !options.from ? detectFormat(bytes) : undefined
  if (contentOnly && !options.from && !sniffed) return null
  const format = sniffed?.read ? sniffed : inputFormat(bytes, { ...options, fileName: input })
  return { format, bytes, size: small.length }
}

/** The profiles of a small input `readSmallInput` read. */
export async function readBytes(
  { format, bytes }: SmallInput,
  options: ReadInputOptions,
  input: string,
): Promise<Profile[]> {
  letYoungGenerationGrow()
  const readOptions = { ...options, fileName: input }
  if (format.readStream) return format.readStream(oneChunk(bytes), readOptions)
  return format.read!(bytes, readOptions)
}

/** Files up to this size are read whole in one call (a fleet's profiles are small and many). */
export const SMALL = 8 * 2 ** 20

/**
 * The whole file when `wanted(size)`, read synchronously (a merge reads thousands of small
 * files, and streams' 1 MiB buffers and promises per file cost more than the reading); else
 * undefined, for the streaming path. A file that fits in {@link SCRATCH} bytes is read into that
 * buffer, reused by the next call (the answer is then a view of it), with no `fstat`: Node makes
 * a `Stats` object with four dates for it, a tenth of what reading a small file cost.
 */
function readSmall(path: string, wanted: (size: number) => boolean): Uint8Array | undefined {
  const fd = openSync(path, 'r')
  try {
    const n = readSync(fd, scratch, 0, SCRATCH, 0)
    // A read that returns nothing more: the file ends within the buffer.
    if (n < SCRATCH && readSync(fd, scratch, n, SCRATCH - n, n) === 0)
      return wanted(n) ? scratch.subarray(0, n) : undefined
    const { size } = fstatSync(fd)
    if (!wanted(size)) return undefined
    const bytes = new Uint8Array(size)
    let length = 0
    for (let n; length < size && (n = readSync(fd, bytes, length, size - length, length)) > 0;)
      length += n
    return length === size ? bytes : bytes.subarray(0, length)
  } finally {
    closeSync(fd)
  }
}

/** Bytes of the buffer `readSmall` reads small files into. */
const SCRATCH = 64 * 1024
const scratch = new Uint8Array(SCRATCH)

async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}

/**
 * A whole gzip input gunzipped with Node's zlib, 3–5× faster than the readers' own gunzip
 * (fflate, which keeps them runnable in browsers): 0.15 s instead of 0.3–0.8 s for the 1M-sample
 * pprof benchmark. Whatever zlib refuses (over the size cap, corrupt, truncated) goes to the
 * reader as it came, whose gunzip reports it with its byte position.
 */
function gunzipFast(bytes: Uint8Array, maxInputSize = DEFAULT_MAX_INPUT): Uint8Array {
  if (!isGzip(bytes)) return bytes
  try {
    const maxOutputLength = Math.min(maxInputSize, constants.MAX_LENGTH)
    const chunkSize = outputGuess(bytes, maxOutputLength)
    const out = gunzipSync(bytes, { maxOutputLength, chunkSize })
    return new Uint8Array(out.buffer, out.byteOffset, out.length)
  } catch {
    return bytes
  }
}

/**
 * The size of zlib's output buffer for gunzipping `bytes`: one more than the size the gzip
 * trailer states (the last member's, mod 2^32), so that the output is made in one buffer
 * rather than in 16 KiB chunks copied together at the end (the 1M-sample pprof bench file:
 * 65 ms instead of 98). Only a guess: a wrong one costs chunks, as before. Never more than
 * deflate can inflate the input to, nor {@link GUESS_CAP}.
 */
function outputGuess(bytes: Uint8Array, maxOutputLength: number): number {
  const stated = gzipStatedLength(bytes)
  return Math.max(16 * 1024, Math.min(stated + 1, maxOutputLength, 1032 * bytes.length, GUESS_CAP))
}

/** The largest output buffer `outputGuess` asks for. */
const GUESS_CAP = 2 ** 30

/**
 * The first bytes of a file gunzipped with Node's zlib when they are gzip (as much as they
 * inflate to, up to {@link HEAD_OUT}), for sniffing: what `peek` would take from them with
 * fflate, ~15–25 ms for a gzipped pprof file, 1–2 ms so. Whatever zlib refuses (corrupt, or
 * inflating further), and gzip inside gzip (which `peek` would not open twice), goes to the
 * sniffers as it came, which gunzip it their own way.
 */
function gunzipHead(head: Uint8Array): Uint8Array {
  if (!isGzip(head)) return head
  try {
    const out = gunzipSync(head, { finishFlush: zlib.Z_SYNC_FLUSH, maxOutputLength: HEAD_OUT })
    const bytes = new Uint8Array(out.buffer, out.byteOffset, out.length)
    return isGzip(bytes) ? head : bytes
  } catch {
    return head
  }
}

/** The most a file's head is inflated to for sniffing (sniffers look at 64 KiB). */
const HEAD_OUT = 4 * 2 ** 20

/** The whole input in one array, sized from `size` (grown if the file grew meanwhile). */
async function collect(chunks: AsyncIterable<Uint8Array>, size: number): Promise<Uint8Array> {
  let bytes = new Uint8Array(size)
  let length = 0
  for await (const chunk of chunks) {
    if (length + chunk.length > bytes.length) {
      const bigger = new Uint8Array(Math.max(bytes.length * 2, length + chunk.length))
      bigger.set(bytes.subarray(0, length))
      bytes = bigger
    }
    bytes.set(chunk, length)
    length += chunk.length
  }
  return bytes.subarray(0, length)
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (!stream) throw new UsageError('no standard input to read')
  const chunks: Buffer[] = []
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks)
}

/** A system error (no such file, …) as a short sentence. */
export function systemMessage(e: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'is a directory, not a file',
    ENOTDIR: 'a part of the path is not a folder',
  }
  return known[e.code!] ?? e.message
}

import { Gunzip } from 'fflate'
import {
  DEFAULT_MAX_INPUT,
  ProfconvError,
  isGzip,
  maybeGunzip,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { CallgrindParser } from './parser.js'

const CHUNK = 1 << 20

/**
 * Reads a callgrind file (plain or gzip): one `Profile` per part, each with the call graph
 * callgrind records: every event as a metric (unit `count`, first event the default), self cost
 * per function, and per call arc the inclusive cost and call count. Frames are named by `fn`,
 * with `fl` as file and `ob` as module.
 */
export function readCallgrind(bytes: Uint8Array, options: ReadOptions = {}): Profile[] {
  const data = maybeGunzip(bytes, 'callgrind', options.maxInputSize ?? DEFAULT_MAX_INPUT)
  const parser = new CallgrindParser()
  for (let at = 0; at < data.length; at += CHUNK) parser.push(data.subarray(at, at + CHUNK))
  return parser.end()
}

/**
 * Reads a callgrind file arriving in chunks (a file stream), plain or gzip, without ever holding
 * it whole: memory grows with the number of functions and call arcs, not with the file's size,
 * so files far beyond the 512 MiB a JavaScript string can hold convert. Same result as
 * `readCallgrind`.
 */
export async function readCallgrindStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: ReadOptions = {},
): Promise<Profile[]> {
  const parser = new CallgrindParser()
  const maxBytes = options.maxInputSize ?? DEFAULT_MAX_INPUT
  let gunzip: Gunzip | undefined
  let first = true
  /** A first chunk of one byte: gzip's magic is two. */
  let head: Uint8Array | undefined
  let size = 0
  for await (let chunk of chunks) {
    if (chunk.length === 0) continue
    if (first) {
      if (head) {
        const joined = new Uint8Array(1 + chunk.length)
        joined.set(head)
        joined.set(chunk, 1)
        chunk = joined
        head = undefined
      } else if (chunk.length === 1) {
        head = chunk
        continue
      }
      first = false
      if (isGzip(chunk)) {
        gunzip = new Gunzip((out) => {
          size += out.length
          if (size > maxBytes) {
            throw new ProfconvError(
              'callgrind',
              `gzip data expands past the limit of ${maxBytes} bytes (raise it with --max-input-size)`,
            )
          }
          parser.push(out)
        })
      }
    }
    if (gunzip) gunzipPush(gunzip, chunk, false)
    else parser.push(chunk)
  }
  if (head) parser.push(head)
  if (gunzip) gunzipPush(gunzip, new Uint8Array(0), true)
  return parser.end()
}

function gunzipPush(gunzip: Gunzip, chunk: Uint8Array, final: boolean): void {
  try {
    gunzip.push(chunk, final)
  } catch (error) {
    if (error instanceof ProfconvError) throw error
    throw new ProfconvError('callgrind', `corrupt gzip data (${(error as Error).message})`)
  }
}

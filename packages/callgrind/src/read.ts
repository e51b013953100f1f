import {
  DEFAULT_MAX_INPUT,
  forEachInputChunk,
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
 * with `fl` as file and `ob` as module. Unless `options.positions` is false, every cost keeps
 * its position as `Profile.positions`: line and instruction address (`positions:`), the file
 * (`fi=`/`fe=` for inlined code), and for calls the call site in the caller.
 */
export function readCallgrind(bytes: Uint8Array, options: ReadOptions = {}): Profile[] {
  const data = maybeGunzip(bytes, 'callgrind', options.maxInputSize ?? DEFAULT_MAX_INPUT)
  const parser = new CallgrindParser(options.positions !== false)
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
  const parser = new CallgrindParser(options.positions !== false)
  await forEachInputChunk(chunks, 'callgrind', (chunk) => parser.push(chunk), options.maxInputSize)
  return parser.end()
}

import {
  LineSplitter,
  forEachInputChunk,
  forEachLine,
  maybeGunzip,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { DtraceParser, FORMAT } from './parser.js'

export interface DtraceReadOptions extends ReadOptions {
  /** Bytes handed to the line splitter at a time (tests use tiny chunks). Default 1 MiB. */
  chunkSize?: number
}

/**
 * Reads DTrace's printout of a stack aggregation (gzip accepted) into samples: one per entry,
 * its stack root first, weighted by its count (metric `samples`). Frames are `symbol` (offset
 * dropped) with the module's base name.
 */
export function readDtrace(bytes: Uint8Array, options: DtraceReadOptions = {}): Profile[] {
  const parser = new DtraceParser()
  forEachLine(maybeGunzip(bytes, FORMAT, options.maxInputSize), parser.line, options.chunkSize)
  return parser.finish()
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readDtraceStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: DtraceReadOptions = {},
): Promise<Profile[]> {
  const parser = new DtraceParser()
  const splitter = new LineSplitter(parser.line)
  await forEachInputChunk(chunks, FORMAT, (chunk) => splitter.push(chunk), options.maxInputSize)
  splitter.end()
  return parser.finish()
}

import { readLines, readLinesStream, type LineReadOptions, type Profile } from '@profconv/model'
import { DtraceParser, FORMAT } from './parser.js'

export type DtraceReadOptions = LineReadOptions

/**
 * Reads DTrace's printout of a stack aggregation (gzip accepted) into samples: one per entry,
 * its stack root first, weighted by its count (metric `samples`). Frames are `symbol` (offset
 * dropped) with the module's base name.
 */
export function readDtrace(bytes: Uint8Array, options: DtraceReadOptions = {}): Profile[] {
  return readLines(bytes, FORMAT, new DtraceParser(), options)
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readDtraceStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: DtraceReadOptions = {},
): Promise<Profile[]> {
  return readLinesStream(chunks, FORMAT, new DtraceParser(), options)
}

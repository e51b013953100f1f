import { readLines, readLinesStream, type LineReadOptions, type Profile } from '@profconv/model'
import { AxeParser, FORMAT } from './parser.js'

export type AxeReadOptions = LineReadOptions

/**
 * Reads VTune Amplifier's gprof-cc call graph report (gzip accepted) into a call graph: self and
 * total seconds per function, the time passed along each call.
 */
export function readAxe(bytes: Uint8Array, options: AxeReadOptions = {}): Profile[] {
  return readLines(bytes, FORMAT, new AxeParser(), options)
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readAxeStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: AxeReadOptions = {},
): Promise<Profile[]> {
  return readLinesStream(chunks, FORMAT, new AxeParser(), options)
}

import { readLines, readLinesStream, type LineReadOptions, type Profile } from '@profconv/model'
import { PmcstatParser, FORMAT } from './parser.js'

export type PmcstatReadOptions = LineReadOptions

/**
 * Reads `pmcstat -G` call graph text (gzip accepted) into samples: one per stack the caller
 * trees spell out, weighted by its sample count in a metric named for its event.
 */
export function readPmcstat(bytes: Uint8Array, options: PmcstatReadOptions = {}): Profile[] {
  return readLines(bytes, FORMAT, new PmcstatParser(), options)
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readPmcstatStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: PmcstatReadOptions = {},
): Promise<Profile[]> {
  return readLinesStream(chunks, FORMAT, new PmcstatParser(), options)
}

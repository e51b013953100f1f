import { readLines, readLinesStream, type LineReadOptions, type Profile } from '@profconv/model'
import { InstrumentsParser, FORMAT } from './parser.js'

export type InstrumentsReadOptions = LineReadOptions

/**
 * Reads an Instruments deep copy of a call tree (gzip accepted) into samples: each node's own
 * share (its total less its children's) on its path, as `time` in ms (time profiles) or `bytes`
 * (allocations).
 */
export function readInstruments(
  bytes: Uint8Array,
  options: InstrumentsReadOptions = {},
): Profile[] {
  return readLines(bytes, FORMAT, new InstrumentsParser(), options)
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readInstrumentsStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: InstrumentsReadOptions = {},
): Promise<Profile[]> {
  return readLinesStream(chunks, FORMAT, new InstrumentsParser(), options)
}

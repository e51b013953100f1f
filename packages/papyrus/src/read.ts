import { readLines, readLinesStream, type LineReadOptions, type Profile } from '@profconv/model'
import { PapyrusParser, FORMAT } from './parser.js'

export type PapyrusReadOptions = LineReadOptions

/**
 * Reads a Papyrus script profiler log (gzip accepted) into samples: the time between two events
 * of a Papyrus stack on the functions open on it, in ms, labelled with the stack.
 */
export function readPapyrus(bytes: Uint8Array, options: PapyrusReadOptions = {}): Profile[] {
  return readLines(bytes, FORMAT, new PapyrusParser(), options)
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readPapyrusStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: PapyrusReadOptions = {},
): Promise<Profile[]> {
  return readLinesStream(chunks, FORMAT, new PapyrusParser(), options)
}

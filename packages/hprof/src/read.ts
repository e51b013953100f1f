import { readLines, readLinesStream, type LineReadOptions, type Profile } from '@profconv/model'
import { HprofParser, FORMAT } from './parser.js'

export type HprofReadOptions = LineReadOptions

/**
 * Reads the JDK hprof agent's text output (gzip accepted) into samples: each row of the CPU table
 * is a sample of its TRACE (root first), weighted `samples` (cpu=samples) or `time` (ms) and
 * `calls` (cpu=times). Frames are methods with their source file.
 */
export function readHprof(bytes: Uint8Array, options: HprofReadOptions = {}): Profile[] {
  return readLines(bytes, FORMAT, new HprofParser(), options)
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readHprofStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: HprofReadOptions = {},
): Promise<Profile[]> {
  return readLinesStream(chunks, FORMAT, new HprofParser(), options)
}

import { readLines, readLinesStream, type LineReadOptions, type Profile } from '@profconv/model'
import { XperfParser, FORMAT } from './parser.js'

export type XperfReadOptions = LineReadOptions

/**
 * Reads an xperf CSV export of sampled stacks (gzip accepted) into samples: each row's stack
 * with its time (Weight × Count, ms) and sample Count, labelled with its process.
 */
export function readXperf(bytes: Uint8Array, options: XperfReadOptions = {}): Profile[] {
  return readLines(bytes, FORMAT, new XperfParser(), options)
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readXperfStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: XperfReadOptions = {},
): Promise<Profile[]> {
  return readLinesStream(chunks, FORMAT, new XperfParser(), options)
}

import {
  readElements,
  readElementsStream,
  type LineReadOptions,
  type Profile,
} from '@profconv/model'
import { FORMAT, SysprofParser } from './parser.js'

export type SysprofReadOptions = LineReadOptions

/**
 * Reads a sysprof 1.x XML profile (gzip accepted) into samples: each call-tree node's self
 * samples on its path, the process at the top.
 */
export function readSysprof(bytes: Uint8Array, options: SysprofReadOptions = {}): Profile[] {
  return readElements(bytes, FORMAT, new SysprofParser(), options)
}

/** The same from chunks (gzip accepted): the document is cut into records, never held whole. */
export async function readSysprofStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: SysprofReadOptions = {},
): Promise<Profile[]> {
  return readElementsStream(chunks, FORMAT, new SysprofParser(), options)
}

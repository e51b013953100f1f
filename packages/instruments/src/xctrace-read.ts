import {
  readElements,
  readElementsStream,
  type LineReadOptions,
  type Profile,
} from '@profconv/model'
import { XctraceParser, XCTRACE_FORMAT } from './xctrace.js'

/**
 * Reads an `xctrace export` of a `time-profile` (or `cpu-profile`) table (gzip accepted) into
 * samples: each row's backtrace weighted by its `weight` in ns (`cycle-weight` in cycles) and
 * counted once in `samples`, with its sample time and thread label.
 */
export function readXctrace(bytes: Uint8Array, options: LineReadOptions = {}): Profile[] {
  return readElements(bytes, XCTRACE_FORMAT, new XctraceParser(), options)
}

/** The same from chunks (gzip accepted): the document is cut into rows, never held whole. */
export async function readXctraceStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: LineReadOptions = {},
): Promise<Profile[]> {
  return readElementsStream(chunks, XCTRACE_FORMAT, new XctraceParser(), options)
}

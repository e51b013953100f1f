import {
  LineSplitter,
  forEachInputChunk,
  forEachLine,
  maybeGunzip,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { InstrumentsParser, FORMAT } from './parser.js'

export interface InstrumentsReadOptions extends ReadOptions {
  /** Bytes handed to the line splitter at a time (tests use tiny chunks). Default 1 MiB. */
  chunkSize?: number
}

/**
 * Reads an Instruments deep copy of a call tree (gzip accepted) into samples: each node's own
 * share (its total less its children's) on its path, as `time` in ms (time profiles) or `bytes`
 * (allocations).
 */
export function readInstruments(
  bytes: Uint8Array,
  options: InstrumentsReadOptions = {},
): Profile[] {
  const parser = new InstrumentsParser()
  forEachLine(maybeGunzip(bytes, FORMAT, options.maxInputSize), parser.line, options.chunkSize)
  return parser.finish()
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readInstrumentsStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: InstrumentsReadOptions = {},
): Promise<Profile[]> {
  const parser = new InstrumentsParser()
  const splitter = new LineSplitter(parser.line)
  await forEachInputChunk(chunks, FORMAT, (chunk) => splitter.push(chunk), options.maxInputSize)
  splitter.end()
  return parser.finish()
}

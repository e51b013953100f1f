import {
  LineSplitter,
  forEachInputChunk,
  forEachLine,
  maybeGunzip,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { PmcstatParser, FORMAT } from './parser.js'

export interface PmcstatReadOptions extends ReadOptions {
  /** Bytes handed to the line splitter at a time (tests use tiny chunks). Default 1 MiB. */
  chunkSize?: number
}

/**
 * Reads `pmcstat -G` call graph text (gzip accepted) into samples: one per stack the caller
 * trees spell out, weighted by its sample count in a metric named for its event.
 */
export function readPmcstat(bytes: Uint8Array, options: PmcstatReadOptions = {}): Profile[] {
  const parser = new PmcstatParser()
  forEachLine(maybeGunzip(bytes, FORMAT, options.maxInputSize), parser.line, options.chunkSize)
  return parser.finish()
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readPmcstatStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: PmcstatReadOptions = {},
): Promise<Profile[]> {
  const parser = new PmcstatParser()
  const splitter = new LineSplitter(parser.line)
  await forEachInputChunk(chunks, FORMAT, (chunk) => splitter.push(chunk), options.maxInputSize)
  splitter.end()
  return parser.finish()
}

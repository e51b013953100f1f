import {
  LineSplitter,
  forEachInputChunk,
  forEachLine,
  maybeGunzip,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { HprofParser, FORMAT } from './parser.js'

export interface HprofReadOptions extends ReadOptions {
  /** Bytes handed to the line splitter at a time (tests use tiny chunks). Default 1 MiB. */
  chunkSize?: number
}

/**
 * Reads the JDK hprof agent's text output (gzip accepted) into samples: each row of the CPU table
 * is a sample of its TRACE (root first), weighted `samples` (cpu=samples) or `time` (ms) and
 * `calls` (cpu=times). Frames are methods with their source file.
 */
export function readHprof(bytes: Uint8Array, options: HprofReadOptions = {}): Profile[] {
  const parser = new HprofParser()
  forEachLine(maybeGunzip(bytes, FORMAT, options.maxInputSize), parser.line, options.chunkSize)
  return parser.finish()
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readHprofStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: HprofReadOptions = {},
): Promise<Profile[]> {
  const parser = new HprofParser()
  const splitter = new LineSplitter(parser.line)
  await forEachInputChunk(chunks, FORMAT, (chunk) => splitter.push(chunk), options.maxInputSize)
  splitter.end()
  return parser.finish()
}

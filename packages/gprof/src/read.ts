import {
  LineSplitter,
  forEachInputChunk,
  forEachLine,
  maybeGunzip,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { FORMAT, GprofParser } from './parser.js'

export interface GprofReadOptions extends ReadOptions {
  /** Bytes handed to the line splitter at a time (tests use tiny chunks). Default 1 MiB. */
  chunkSize?: number
}

/**
 * Reads gprof's text report (`gprof prog gmon.out`, with or without `-b`; GNU or BSD; gzip
 * accepted) into a call graph with one metric, `time` in seconds: each function's self time,
 * its total (self + children as gprof prints them; a cycle member's total is its cycle's), its
 * calls (`a+b`: all, `a`: primitive); each call's time (self + children under that caller) and
 * count. A flat profile alone gives self times and call counts.
 */
export function readGprof(bytes: Uint8Array, options: GprofReadOptions = {}): Profile[] {
  const input = maybeGunzip(bytes, FORMAT, options.maxInputSize)
  const parser = new GprofParser()
  forEachLine(input, parser.line, options.chunkSize)
  return parser.finish()
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readGprofStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: GprofReadOptions = {},
): Promise<Profile[]> {
  const parser = new GprofParser()
  const splitter = new LineSplitter(parser.line)
  await forEachInputChunk(chunks, FORMAT, (chunk) => splitter.push(chunk), options.maxInputSize)
  splitter.end()
  return parser.finish()
}

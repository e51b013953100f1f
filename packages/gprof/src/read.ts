import { readLines, readLinesStream, type LineReadOptions, type Profile } from '@profconv/model'
import { FORMAT, GprofParser } from './parser.js'

export type GprofReadOptions = LineReadOptions

/**
 * Reads gprof's text report (`gprof prog gmon.out`, with or without `-b`; GNU or BSD; gzip
 * accepted) into a call graph with one metric, `time` in seconds: each function's self time,
 * its total (self + children as gprof prints them; a cycle member's total is its cycle's), its
 * calls (`a+b`: all, `a`: primitive); each call's time (self + children under that caller) and
 * count. A flat profile alone gives self times and call counts.
 */
export function readGprof(bytes: Uint8Array, options: GprofReadOptions = {}): Profile[] {
  return readLines(bytes, FORMAT, new GprofParser(), options)
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readGprofStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: GprofReadOptions = {},
): Promise<Profile[]> {
  return readLinesStream(chunks, FORMAT, new GprofParser(), options)
}

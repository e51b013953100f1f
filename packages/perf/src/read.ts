import {
  ProfconvError,
  readLines,
  readLinesStream,
  type LineReadOptions,
  type Profile,
} from '@profconv/model'
import { FORMAT, PerfScriptParser, type PerfThreads } from './parser.js'

export interface PerfReadOptions extends LineReadOptions {
  /** `merge` (default): one profile, threads told apart by labels; `separate`: one per thread. */
  perfThreads?: PerfThreads | string
}

/**
 * Reads `perf script` text (gzip accepted). Metrics: `samples` (count) and, for each event whose
 * period perf printed, the summed period (`cpu-clock`/`task-clock` in nanoseconds, other events in
 * counts), the default. Stacks are root first; labels `comm`, `pid` (when printed) and `tid`.
 * Unless `options.positions` is false, each stack-tree node keeps its frame's instruction address
 * (exact to 64 bits) and, with `-F +srcline`, its source file and line.
 */
export function readPerfScript(bytes: Uint8Array, options: PerfReadOptions = {}): Profile[] {
  return readLines(bytes, FORMAT, parserFor(options), options)
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readPerfScriptStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: PerfReadOptions = {},
): Promise<Profile[]> {
  return readLinesStream(chunks, FORMAT, parserFor(options), options)
}

function parserFor(options: PerfReadOptions): PerfScriptParser {
  return new PerfScriptParser(threadsOption(options), options.positions !== false)
}

function threadsOption(options: PerfReadOptions): PerfThreads {
  const threads = options.perfThreads ?? 'merge'
  if (threads !== 'merge' && threads !== 'separate') {
    throw new ProfconvError(
      FORMAT,
      `--perf-threads must be merge or separate, not ${String(threads)}`,
    )
  }
  return threads
}

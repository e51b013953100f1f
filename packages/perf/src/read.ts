import {
  DEFAULT_MAX_INPUT,
  LineSplitter,
  ProfconvError,
  forEachLine,
  isGzip,
  maybeGunzip,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { Gunzip } from 'fflate'
import { FORMAT, PerfScriptParser, type PerfThreads } from './parser.js'

export interface PerfReadOptions extends ReadOptions {
  /** `merge` (default): one profile, threads told apart by labels; `separate`: one per thread. */
  perfThreads?: PerfThreads | string
  /** Bytes handed to the line splitter at a time (tests use tiny chunks). Default 1 MiB. */
  chunkSize?: number
}

/**
 * Reads `perf script` text (gzip accepted). Metrics: `samples` (count) and, for each event whose
 * period perf printed, the summed period (`cpu-clock`/`task-clock` in nanoseconds, other events in
 * counts), the default. Stacks are root first; labels `comm`, `pid` (when printed) and `tid`.
 */
export function readPerfScript(bytes: Uint8Array, options: PerfReadOptions = {}): Profile[] {
  const input = maybeGunzip(bytes, FORMAT, options.maxInputSize)
  const parser = new PerfScriptParser(threadsOption(options))
  forEachLine(input, parser.line, options.chunkSize)
  return parser.finish()
}

/** The same from chunks (gzip accepted): memory grows with the profile, not the input. */
export async function readPerfScriptStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: PerfReadOptions = {},
): Promise<Profile[]> {
  const parser = new PerfScriptParser(threadsOption(options))
  const splitter = new LineSplitter(parser.line)
  const maxBytes = options.maxInputSize ?? DEFAULT_MAX_INPUT
  let gunzip: Gunzip | undefined
  let head: Uint8Array | undefined // the first bytes, until there are two to test for gzip
  let decided = false
  let size = 0
  for await (const chunk of chunks) {
    if (gunzip) push(gunzip, chunk, false)
    else if (decided) splitter.push(chunk)
    else {
      head = head ? concat(head, chunk) : chunk
      if (head.length < 2) continue
      decided = true
      if (isGzip(head)) {
        gunzip = new Gunzip((out) => {
          size += out.length
          if (size > maxBytes) {
            throw new ProfconvError(
              FORMAT,
              `gzip data expands past the limit of ${maxBytes} bytes (raise it with --max-input-size)`,
            )
          }
          splitter.push(out)
        })
        push(gunzip, head, false)
      } else splitter.push(head)
      head = undefined
    }
  }
  if (gunzip) push(gunzip, new Uint8Array(0), true)
  else if (head) splitter.push(head)
  splitter.end()
  return parser.finish()
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

function push(gunzip: Gunzip, chunk: Uint8Array, final: boolean): void {
  try {
    gunzip.push(chunk, final)
  } catch (error) {
    if (error instanceof ProfconvError) throw error
    throw new ProfconvError(FORMAT, `corrupt gzip data (${(error as Error).message})`)
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

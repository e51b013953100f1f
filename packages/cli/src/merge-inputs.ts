import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { ProfconvError, ProfileMerger, type Position, type Profile } from '@profconv/model'
import type { ReadInputOptions } from '@profconv/core'
import { PprofFold } from '@profconv/pprof'
import {
  SMALL,
  UsageError,
  readBytes,
  readOne,
  readSmallInput,
  systemMessage,
  type InputContext,
} from './input.js'
import type { Source } from './input-list.js'
import { CountProgress } from './progress.js'
import { packProfile, unpackProfile, type PackedProfile } from './transfer.js'

/** How inputs are merged: the reader's options and these. */
export interface MergeSettings {
  /** `profconv merge`: every input of the same metrics. */
  sameKind: boolean
  /** Skip (and count) inputs that fail to read instead of stopping at the first. */
  keepGoing: boolean
  /**
   * Threads reading; 1 reads in the main thread. Undefined: the number of cores, the workers
   * started only once the inputs left would take this thread long enough to pay for them.
   */
  jobs?: number
}

/** What merging the inputs gave. */
export interface MergeOutcome {
  profile: Profile
  /** Inputs read into the result. */
  read: number
  /** Inputs that failed to read (`keepGoing`), in input order. */
  skipped: { path: string; reason: string }[]
  /** Files found in folders whose content is not a profile. */
  ignored: number
}

/** An input that failed: the CLI names it before the reason. */
export class InputFailure extends Error {
  constructor(
    readonly path: string,
    override readonly cause: unknown,
  ) {
    super(`${path}: ${String((cause as Error)?.message ?? cause)}`)
  }
}

/** The number of worker threads `--jobs` defaults to. */
export function defaultJobs(): number {
  return availableParallelism()
}

/** With `--jobs`, below this many inputs they are read in the main thread all the same. */
const WORKERS_FROM = 8

/**
 * Without `--jobs`, inputs are read in this thread until the files left (estimated from the
 * sizes of those read) pass this many bytes, then in workers too. A worker costs its start (a
 * Node isolate loading the worker bundle: ~40 ms of a core, ~23 MB) and, more, its warm-up:
 * its first thousands of small files run before V8 has optimised the reading (~130 µs a 1.3 kB
 * pprof file cold, ~50 µs warm), 0.15–0.25 s of a core that one thread reading them all pays
 * once. 3,000 such files (3.8 MB) read in one thread in less wall time than in two.
 */
const WORKERS_FROM_BYTES = 8 * 2 ** 20

/**
 * Without `--jobs`, files smaller than this on average are all read in this thread: their cost
 * is per file (open, gunzip, the fold's set-up), which a cold worker pays at its slowest while
 * V8's compiler already uses the second core. 30,000 pprof files of 1.3 kB read in one thread
 * in 1.65–1.83 s wall and 84–87 MB, with a worker in 2.05–2.50 s and 107–110 MB (4 alternating
 * pairs, load 2); files of ~100 kB and more are where workers pay.
 */
const WORKERS_FROM_FILE_BYTES = 32 * 1024

/**
 * Inputs per chunk: consecutive inputs are merged into one partial result (in a worker), and the
 * partials into the result in input order. The size depends only on the number of inputs, never
 * on `--jobs`, so every `--jobs` sums in the same grouping and writes the same bytes.
 */
export function chunkSize(inputs: number): number {
  return Math.min(64, Math.max(1, Math.ceil(inputs / 64)))
}

/**
 * Reads every source and merges the profiles into one, in input order, as a fold: each input
 * (each chunk's partial result, with workers) is added into the result and dropped, so memory is
 * the result plus the chunks in flight. A failing input is an {@link InputFailure}, or with
 * `keepGoing` skipped and counted (`warn` is told each, in input order).
 */
export async function mergeInputs(
  sources: readonly Source[],
  options: ReadInputOptions,
  settings: MergeSettings,
  context: InputContext,
  warn: (line: string) => void,
): Promise<MergeOutcome> {
  const size = chunkSize(sources.length)
  const chunks: Source[][] = []
  for (let at = 0; at < sources.length; at += size) chunks.push(sources.slice(at, at + size))
  const progress =
    sources.length > 1 && context.stderr.isTTY && !context.quiet
      ? new CountProgress(context.stderr, sources.length)
      : undefined
  const merger = new ProfileMerger({ sameKind: settings.sameKind })
  const outcome = { read: 0, skipped: [] as MergeOutcome['skipped'], ignored: 0 }
  const skip = (skipped: MergeOutcome['skipped']) => {
    for (const s of skipped) {
      outcome.skipped.push(s)
      warn(`warning: skipped ${s.path}: ${s.reason}`)
    }
  }
  const fold = (result: ChunkResult) => {
    if (!result.ok) throw new InputFailure(result.path, result.error)
    outcome.read += result.read
    outcome.ignored += result.ignored
    skip(result.skipped)
    if (result.profile) merger.add(result.profile, result.first)
  }
  // Threads reading: this one and `threads - 1` workers (with --jobs from the start, else once
  // the inputs left pay for them).
  const threads = sources.some((s) => s.path === '-')
    ? 1
    : Math.min(settings.jobs ?? defaultJobs(), chunks.length)
  // One bar for all inputs: no byte bar per file under it.
  const quiet = progress ? { ...context, progressAbove: Infinity } : context
  const here = new ChunkReader(options, settings, quiet)
  let next = 0
  let read = 0
  const startWorkers = () => {
    if (threads <= 1) return false
    if (settings.jobs !== undefined) return sources.length >= WORKERS_FROM
    // Judged on the bytes of the files read so far (the time they take depends on the load).
    const average = read > 0 ? here.bytes / read : 0
    return (
      average >= WORKERS_FROM_FILE_BYTES && average * (sources.length - read) > WORKERS_FROM_BYTES
    )
  }
  try {
    const advance = () => progress?.advance()
    while (next < chunks.length && !startWorkers()) {
      read += chunks[next].length
      await here.read(chunks[next++], advance)
      here.take().forEach(fold)
    }
    here.finish().forEach(fold)
    const rest = chunks.slice(next)
    if (rest.length > 0)
      await inWorkers(
        rest,
        Math.min(threads, rest.length + 1),
        options,
        settings,
        context,
        fold,
        progress,
      )
  } finally {
    progress?.finish()
  }
  if (outcome.read === 0) {
    throw new UsageError(
      outcome.skipped.length > 0
        ? `no input could be read (${outcome.skipped.length} failed)`
        : 'none of the files found in the folders given is a profile',
    )
  }
  const profile = merger.result()
  if (outcome.skipped.length > 0) {
    const total = outcome.read + outcome.skipped.length
    profile.meta.notes = [
      ...profile.meta.notes,
      `${outcome.skipped.length} of ${total} inputs failed to read and were left out of the merge (--keep-going)`,
    ]
  }
  return { profile, ...outcome }
}

/** One chunk merged: its partial result, or the input that failed and why. */
export type ChunkResult =
  | {
      ok: true
      profile?: Profile
      /** The chunk's first input read, naming the partial in merge errors. */
      first?: string
      read: number
      ignored: number
      skipped: { path: string; reason: string }[]
    }
  | { ok: false; path: string; error: unknown }

/**
 * Reads consecutive chunks and merges them (in a worker, or in the main thread): the results to
 * merge in order (see {@link ChunkReader}).
 */
export async function foldChunks(
  chunks: readonly (readonly Source[])[],
  options: ReadInputOptions,
  settings: Pick<MergeSettings, 'sameKind' | 'keepGoing'>,
  context: InputContext,
  onFile: () => void,
): Promise<ChunkResult[]> {
  const reader = new ChunkReader(options, settings, context)
  for (const chunk of chunks) await reader.read(chunk, onFile)
  return reader.finish()
}

/**
 * Chunks read in order into results to merge in that order. Runs of pprof files fold into one
 * result across chunks (their sums are exact integers: the grouping changes nothing); a chunk
 * with other inputs is a result of its own, so that sums of fractions are grouped by chunks
 * whatever the threads, and `--jobs 1` and `--jobs N` write the same bytes.
 */
class ChunkReader {
  private folder: InputFolder
  private readonly results: ChunkResult[] = []
  private failed = false
  private done = 0

  /** Bytes of the files read (as stored: gzipped ones gzipped). */
  get bytes(): number {
    return this.done + this.folder.bytes
  }

  constructor(
    private readonly options: ReadInputOptions,
    private readonly settings: Pick<MergeSettings, 'sameKind' | 'keepGoing'>,
    private readonly context: InputContext,
  ) {
    this.folder = new InputFolder(options, settings, context)
  }

  /** Reads one chunk (nothing more once an input failed). */
  async read(chunk: readonly Source[], onFile: () => void): Promise<void> {
    if (this.failed) return
    for (const source of chunk) {
      const failure = await this.folder.add(source, onFile)
      if (failure) {
        this.results.push(failure)
        this.failed = true
        return
      }
    }
    if (this.folder.merged) this.endRun()
  }

  /** The results finished so far, and the inputs skipped so far (`keepGoing`), in order. */
  take(): ChunkResult[] {
    const out = this.results.splice(0)
    const skipped = this.folder.skipped.splice(0)
    if (skipped.length > 0) out.push({ ok: true, read: 0, ignored: 0, skipped })
    return out
  }

  /** Every result left. */
  finish(): ChunkResult[] {
    if (!this.failed) this.endRun()
    return this.take()
  }

  private endRun(): void {
    this.done += this.folder.bytes
    this.results.push(this.folder.result())
    this.folder = new InputFolder(this.options, this.settings, this.context)
  }
}

/**
 * Inputs read and merged in order. Runs of pprof files are folded straight from their bytes
 * ({@link PprofFold}); whatever the fold leaves (other formats, large files, files it does not
 * take) is read into a profile and merged, the fold so far before it: the result is the same as
 * merging every input read.
 */
class InputFolder {
  private readonly merger: ProfileMerger
  private fold: { fold: PprofFold; first: string } | undefined
  /** The first input read, naming the result in merge errors. */
  private first: string | undefined
  private read = 0
  private ignored = 0
  /** Bytes of the files read (as stored; a large file counts as `SMALL`). */
  bytes = 0
  /** Inputs that failed to read (`keepGoing`), in input order; the caller may take them. */
  readonly skipped: { path: string; reason: string }[] = []

  constructor(
    private readonly options: ReadInputOptions,
    private readonly settings: Pick<MergeSettings, 'sameKind' | 'keepGoing'>,
    private readonly context: InputContext,
  ) {
    this.merger = new ProfileMerger({ sameKind: settings.sameKind })
  }

  /** True once an input was read into a profile and merged (not folded from its bytes). */
  get merged(): boolean {
    return this.merger.count > 0
  }

  /** Reads and adds `source`; the failure that stops the merge, if it fails. */
  async add(
    source: Source,
    onFile: () => void,
  ): Promise<(ChunkResult & { ok: false }) | undefined> {
    const { options, settings } = this
    const name = source.path === '-' ? '<stdin>' : source.path
    let read
    try {
      const small =
        source.path === '-'
          ? undefined
          : readSmallInput(source.path, options, this.context, source.found)
      this.bytes += small === undefined ? SMALL : (small?.size ?? 0)
      if (small?.format.name === 'pprof') {
        this.fold ??= { fold: new PprofFold(options), first: name }
        let folded
        try {
          folded = this.fold.fold.add(small.bytes, name)
        } catch (error) {
          // A refusal to merge names both inputs itself.
          return { ok: false, path: '', error }
        }
        if (folded) {
          onFile()
          this.first ??= name
          this.read++
          return undefined
        }
      }
      read =
        small === null
          ? undefined
          : small
            ? { profiles: await readBytes(small, options, source.path) }
            : await readOne(source.path, options, this.context, source.found)
    } catch (error) {
      if (!(settings.keepGoing && isReadFailure(error))) return { ok: false, path: name, error }
      this.skipped.push({ path: name, reason: failureText(error) })
      onFile()
      return undefined
    }
    onFile()
    if (!read) {
      this.ignored++
      return undefined
    }
    try {
      this.flush()
      for (const profile of read.profiles) this.merger.add(profile, name)
    } catch (error) {
      return { ok: false, path: '', error }
    }
    this.first ??= name
    this.read++
    return undefined
  }

  /** The merge of the inputs added. */
  result(): ChunkResult {
    try {
      this.flush()
    } catch (error) {
      return { ok: false, path: '', error }
    }
    return {
      ok: true,
      read: this.read,
      ignored: this.ignored,
      skipped: this.skipped,
      first: this.first,
      profile: this.merger.count > 0 ? this.merger.result() : undefined,
    }
  }

  private flush(): void {
    if (this.fold) this.merger.add(this.fold.fold.result(), this.fold.first)
    this.fold = undefined
  }
}

/** A bad or missing file, as opposed to a bug. */
function isReadFailure(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException
  return error instanceof ProfconvError || Boolean(e?.code && e?.syscall)
}

function failureText(error: unknown): string {
  if (error instanceof ProfconvError)
    return error.format === 'profconv' ? error.reason : error.message
  return systemMessage(error as NodeJS.ErrnoException)
}

// --- worker threads ---

/** What a worker is started with. */
interface WorkerSetup {
  profconvWorker: true
  options: ReadInputOptions
  settings: Pick<MergeSettings, 'sameKind' | 'keepGoing'>
  progress: boolean
}

/** Consecutive chunks to read (the `task`-th of them). */
interface Task {
  task: number
  chunks: Source[][]
}

/** A chunk result as a worker posts it. */
type SentResult =
  | (Omit<Extract<ChunkResult, { ok: true }>, 'profile'> & { profile?: PackedProfile })
  | { ok: false; path: string; error: SentError }

/** A worker's answer: one input done (for the progress bar), or a task's results. */
type Reply = { type: 'file' } | { type: 'done'; task: number; results: SentResult[] }

/**
 * Reads the chunks in `threads` threads: this one and `threads - 1` workers, all taking the next
 * task (a few consecutive chunks, about four per thread) in input order, and folds their results
 * in that order. This thread reads too (it would otherwise only wait for results), and so a
 * worker fewer is started (each costs a Node start).
 */
async function inWorkers(
  chunks: Source[][],
  threads: number,
  options: ReadInputOptions,
  settings: MergeSettings,
  context: InputContext,
  fold: (result: ChunkResult) => void,
  progress: CountProgress | undefined,
): Promise<void> {
  const setup: WorkerSetup = {
    profconvWorker: true,
    // Plain data only (the command line's values).
    options: JSON.parse(JSON.stringify(options)) as ReadInputOptions,
    settings: { sameKind: settings.sameKind, keepGoing: settings.keepGoing },
    progress: progress !== undefined,
  }
  // The worker bundle (src/worker.ts), loaded with its code cache by the bin shim.
  const script = new URL('../bin/worker.js', import.meta.url)
  const workers = Array.from(
    { length: threads - 1 },
    // A small young generation: what a worker allocates per file dies young, and V8 would
    // otherwise grow it to its maximum over a long merge (30,000 small files: −12 MB of peak
    // RSS, no more CPU).
    () =>
      new Worker(script, { workerData: setup, resourceLimits: { maxYoungGenerationSizeMb: 6 } }),
  )
  // One bar for all inputs: no byte bar per file under it.
  const here = progress ? { ...context, progressAbove: Infinity } : context
  const size = Math.max(1, Math.floor(chunks.length / (4 * threads)))
  const tasks: Source[][][] = []
  for (let at = 0; at < chunks.length; at += size) tasks.push(chunks.slice(at, at + size))
  // At most this many tasks past the next one to fold are read ahead (bounded memory).
  const ahead = 2 * threads + 2
  const done = new Map<number, ChunkResult[]>()
  let nextToSend = 0
  let nextToFold = 0
  let stopped = false
  try {
    await new Promise<void>((resolve, reject) => {
      const busy = new Map<Worker, number>(workers.map((w) => [w, 0]))
      let readingHere = false
      const canSend = () => !stopped && nextToSend < tasks.length && nextToSend < nextToFold + ahead
      const store = (task: number, results: ChunkResult[]) => {
        if (stopped) return
        done.set(task, results)
        try {
          for (let r; (r = done.get(nextToFold)); nextToFold++) {
            done.delete(nextToFold)
            r.forEach(fold)
          }
        } catch (error) {
          stopped = true
          return reject(error)
        }
        if (nextToFold === tasks.length) return resolve()
        feed()
      }
      const readHere = async (task: number) => {
        let results: ChunkResult[]
        try {
          results = await foldChunks(tasks[task], options, settings, here, () =>
            progress?.advance(),
          )
        } catch (error) {
          results = [{ ok: false, path: '', error }]
        }
        readingHere = false
        store(task, results)
      }
      const feed = () => {
        for (const w of workers) {
          while (busy.get(w)! < 2 && canSend()) {
            busy.set(w, busy.get(w)! + 1)
            const task: Task = { task: nextToSend, chunks: tasks[nextToSend] }
            w.postMessage(task)
            nextToSend++
          }
        }
        if (!readingHere && canSend()) {
          readingHere = true
          const task = nextToSend++
          // After the events waiting (workers' results, which give them their next tasks).
          setImmediate(() => void readHere(task))
        }
      }
      for (const w of workers) {
        w.on('message', (reply: Reply) => {
          if (reply.type === 'file') return progress?.advance()
          busy.set(w, busy.get(w)! - 1)
          store(
            reply.task,
            reply.results.map((r) =>
              r.ok
                ? { ...r, ok: true, profile: r.profile && unpackProfile(r.profile) }
                : { ok: false, path: r.path, error: reviveError(r.error) },
            ),
          )
        })
        w.on('error', (error) => {
          stopped = true
          reject(error)
        })
        w.on('exit', (code) => {
          if (nextToFold < tasks.length && !stopped) {
            stopped = true
            reject(
              new Error(`a worker thread stopped (exit code ${code}) before its work was done`),
            )
          }
        })
      }
      feed()
    })
  } finally {
    stopped = true
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

/** The worker thread's side: reads the tasks it is sent and posts their results back. */
export function runWorker(
  port: {
    postMessage(value: unknown, transfer?: ArrayBuffer[]): void
    on(e: 'message', f: (t: Task) => void): void
  },
  setup: WorkerSetup,
  afterTask?: () => void,
): void {
  const context: InputContext = {
    stderr: { write: () => true },
    progressAbove: Infinity,
    quiet: true,
  }
  const onFile = setup.progress ? () => port.postMessage({ type: 'file' }) : () => undefined
  let queue = Promise.resolve()
  const run = async ({ task, chunks }: Task) => {
    let results: ChunkResult[]
    try {
      results = await foldChunks(chunks, setup.options, setup.settings, context, onFile)
    } catch (error) {
      results = [{ ok: false, path: '', error }]
    }
    const transfer: ArrayBuffer[] = []
    const sent = results.map((result): SentResult => {
      if (!result.ok) return { ok: false, path: result.path, error: sendError(result.error) }
      const { profile, ...rest } = result
      const packed = profile && packProfile(profile)
      if (packed) transfer.push(...packed.transfer)
      return { ...rest, profile: packed?.packed }
    })
    const reply: Reply = { type: 'done', task, results: sent }
    port.postMessage(reply, transfer)
    afterTask?.()
  }
  port.on('message', (task) => {
    queue = queue.then(() => run(task))
  })
}

/** An error as plain data, to cross from a worker. */
type SentError =
  | { kind: 'profconv'; format: string; reason: string; position: Position }
  | { kind: 'usage'; message: string }
  | { kind: 'system'; message: string; code: string; syscall: string; path?: string }
  | { kind: 'bug'; message: string; stack?: string }

function sendError(error: unknown): SentError {
  if (error instanceof ProfconvError)
    return {
      kind: 'profconv',
      format: error.format,
      reason: error.reason,
      position: error.position,
    }
  if (error instanceof UsageError) return { kind: 'usage', message: error.message }
  const e = error as NodeJS.ErrnoException
  if (e?.code && e?.syscall)
    return { kind: 'system', message: e.message, code: e.code, syscall: e.syscall, path: e.path }
  return { kind: 'bug', message: String(e?.message ?? error), stack: e?.stack }
}

function reviveError(sent: SentError): Error {
  switch (sent.kind) {
    case 'profconv':
      return new ProfconvError(sent.format, sent.reason, sent.position)
    case 'usage':
      return new UsageError(sent.message)
    case 'system':
      return Object.assign(new Error(sent.message), {
        code: sent.code,
        syscall: sent.syscall,
        path: sent.path,
      })
    case 'bug':
      return Object.assign(new Error(sent.message), { stack: sent.stack })
  }
}

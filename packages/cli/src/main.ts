import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { getFormat, infoText, keepsPositions, prepareFor, summarize } from '@profconv/core'
import { ProfconvError, mergeProfiles } from '@profconv/model'
import { parseArgs, type Options } from './args.js'
import { readSource } from './source.js'
import { UsageError, readOne, systemMessage, type InputContext } from './input.js'
import { expandInputs } from './input-list.js'
import { compileLoopsInline } from './loops.js'
import { keepYoungGeneration } from './young-generation.js'
import { InputFailure, mergeInputs } from './merge-inputs.js'
import { writeOut, writeOutput } from './output.js'

/** Where `main` reads and writes; `process` fits. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
  stdin?: NodeJS.ReadableStream
  /** Environment variables (`NO_COLOR` turns colour off); `process.env` fits. */
  env?: Record<string, string | undefined>
  /** Inputs larger than this many bytes show a progress bar on a terminal. Default 16 MiB. */
  progressAbove?: number
}

/** Exit codes: 0 done, 1 a bug in profconv, 2 bad input or usage. */
export const EXIT = { ok: 0, bug: 1, input: 2 } as const

/**
 * The `profconv` command: converts inputs (files or `-` for stdin; several are merged) to
 * `--to`, describes them (`info`) or merges them strictly (`merge`). Never throws; returns the
 * exit code.
 */
export async function main(args: readonly string[], io: Io): Promise<number> {
  const say = (line: string) => io.stderr.write(`profconv: ${line}\n`)
  let debug = args.includes('--debug')
  let current = ''
  // A merge's young generation keeps its size from the start (before its arguments are parsed:
  // that grew it to 4 MB semi-spaces, ~8 MB more peak RSS); other commands find out after.
  if (args[0] === 'merge') keepYoungGeneration()
  try {
    const request = await parseArgs(args)
    if (request.command === 'print') {
      const text = request.text
      io.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
      return EXIT.ok
    }
    const options = request.options
    debug = options.debug
    const context: InputContext = {
      stdin: io.stdin,
      stderr: io.stderr,
      progressAbove: io.progressAbove ?? 16 * 2 ** 20,
      quiet: options.quiet,
    }
    // Lines and addresses are read only for writers that use them (or when asked).
    const positions = options.to
      ? keepsPositions(getFormat(options.to), options.positions, options.granularity)
      : (options.positions ?? false)
    const read = async (input: string) => {
      current = input === '-' ? '<stdin>' : input
      const result = (await readOne(input, { ...options, positions }, context))!
      current = ''
      return result
    }

    // --compare: the base is read like an input and prepared like it; writers that draw a
    // comparison declare --compare-tolerance.
    const readBase = async (input: string) => {
      const to = getFormat(options.to!)
      if (!to.options?.some((o) => o.flag === 'compare-tolerance'))
        throw new UsageError(
          `--compare: ${to.name} output cannot draw a comparison (use dot, svg or flamegraph)`,
        )
      const { profiles } = await read(input)
      return prepareFor(to, mergeProfiles(profiles), options.granularity)
    }

    if (request.command === 'info') {
      const blocks: string[] = []
      const json: object[] = []
      for (const { path: input, found } of await expandInputs(options.inputs, io.stdin)) {
        current = input
        const result = await readOne(input, { ...options, positions }, context, found)
        current = ''
        if (!result) continue // a file in a folder that is not a profile
        const { profiles } = result
        profiles.forEach((profile, i) => {
          const summary = summarize(profile)
          const title =
            profiles.length > 1 ? `${input} (profile ${i + 1} of ${profiles.length})` : input
          json.push({ file: input, ...summary })
          blocks.push(infoText(title, summary))
        })
      }
      const text = options.json ? JSON.stringify(json, null, 2) : blocks.join('\n\n')
      await writeOut(io.stdout, `${text}\n`)
      return EXIT.ok
    }

    if (request.command === 'view') {
      options.to = 'html'
      options.output ??= join(
        tmpdir(),
        `profconv-${reportName(options.inputs[0])}-${Date.now()}.html`,
      )
    }
    const to = getFormat(options.to!)
    if (!to.write)
      throw new ProfconvError(to.name, 'profconv can read this format but not write it')
    const sources = await expandInputs(options.inputs, io.stdin)
    if (sources.length === 1) compileLoopsInline()
    const jobs = options.jobs
    if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1))
      throw new UsageError(`--jobs must be a whole number of at least 1, not ${options.jobs}`)
    const merged = await mergeInputs(
      sources,
      { ...options, positions },
      { sameKind: request.command === 'merge', keepGoing: options.keepGoing, jobs },
      context,
      (line) => options.quiet || say(line),
    )
    if (merged.ignored > 0 && !options.quiet)
      say(
        `note: ${merged.ignored} ${merged.ignored === 1 ? 'file' : 'files'} found in the folders given ${merged.ignored === 1 ? 'is' : 'are'} not profiles: left out`,
      )
    const profile = prepareFor(to, merged.profile, options.granularity)
    const base = options.compare === undefined ? undefined : await readBase(options.compare)
    const toOptions = { ...writeOptions(options, io), base }
    const output = to.writeStream
      ? (sink: (chunk: Uint8Array) => void) => to.writeStream!(profile, toOptions, sink)
      : to.write(profile, toOptions)
    if (!(await writeOutput(output, options.output || undefined, io.stdout))) return EXIT.ok // reader went away
    if (!options.quiet) for (const note of profile.meta.notes) say(`note: ${note}`)
    if (request.command === 'view') {
      await writeOut(io.stdout, `${options.output}\n`)
      if (options.open !== false && !openInBrowser(options.output!))
        say(`could not start a browser; open ${options.output} yourself`)
    }
    return EXIT.ok
  } catch (caught) {
    let error = caught
    if (error instanceof InputFailure) {
      current = error.path
      error = error.cause
    }
    const where = current ? `${current}: ` : ''
    if (error instanceof ProfconvError && error.format === 'profconv') {
      say(`error: ${where}${error.reason}`)
      return EXIT.input
    }
    if (error instanceof ProfconvError || error instanceof UsageError) {
      say(`error: ${where}${error.message}`)
      return EXIT.input
    }
    const e = error as NodeJS.ErrnoException
    if (e.code && e.syscall) {
      say(`error: ${e.path ?? current}: ${systemMessage(e)}`)
      return EXIT.input
    }
    say(`internal error: ${where}${e.message ?? String(error)}`)
    if (debug && e.stack) io.stderr.write(`${e.stack}\n`)
    else say('this is a bug in profconv; run again with --debug for details and report it')
    return EXIT.bug
  }
}

/**
 * Writer options: the command line's, plus `color` for writers that colour their output (the
 * `top` table) when stdout is a terminal and neither `--color`/`--no-color` nor `NO_COLOR` said,
 * and source files for listings (`-t list`).
 */
function writeOptions(options: Options, io: Io): Options {
  const color = options.color ?? (!options.output && io.stdout.isTTY === true && !io.env?.NO_COLOR)
  const sources = new Map<string, string | undefined>()
  const source = (path: string) => {
    if (!sources.has(path)) sources.set(path, readSource(path, options.sourcePath))
    return sources.get(path)
  }
  return { ...options, color, readSource: source }
}

/** A file-name-safe short name of an input for the report's temporary file. */
function reportName(input: string | undefined): string {
  const name = input === undefined || input === '-' ? 'stdin' : basename(input)
  return name.replace(/[^\w.-]+/g, '_').slice(0, 60)
}

/** Opens `path` with the desktop's opener, detached; false when none could be started. */
function openInBrowser(path: string): boolean {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [path]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', path]]
        : ['xdg-open', [path]]
  try {
    // Loaded here only: node:child_process (with net and dgram) costs a start ~2.5 ms of CPU.
    const { spawn } = createRequire(import.meta.url)(
      'node:child_process',
    ) as typeof import('node:child_process')
    const child = spawn(command, args, { detached: true, stdio: 'ignore' })
    child.on('error', () => undefined)
    child.unref()
    return child.pid !== undefined
  } catch {
    return false
  }
}

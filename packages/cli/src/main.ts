import { open, rename, unlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { basename, dirname, join } from 'node:path'
import yargs from 'yargs'
import { getFormat, inputFormat, listFormats, prepareFor, readInput } from '@profconv/core'
import { ProfconvError, mergeProfiles, type FormatOption, type Profile } from '@profconv/model'

/** Where `main` reads and writes; `process` fits. */
export interface Io {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  stdin?: NodeJS.ReadableStream
}

const VERSION: string = createRequire(import.meta.url)('../package.json').version

/** Exit codes: 0 done, 1 a bug in profconv, 2 bad input or usage. */
export const EXIT = { ok: 0, bug: 1, input: 2 } as const

/**
 * The `profconv` command: reads the inputs (files or `-` for stdin; several are merged),
 * converts to `--to` and writes stdout or `--output`. Never throws; returns the exit code.
 */
export async function main(args: readonly string[], io: Io): Promise<number> {
  const say = (line: string) => io.stderr.write(`profconv: ${line}\n`)
  let debug = args.includes('--debug')
  let current = ''
  try {
    const parsed = await parseArgs(args)
    if ('output' in parsed) {
      io.stdout.write(parsed.output.endsWith('\n') ? parsed.output : `${parsed.output}\n`)
      return EXIT.ok
    }
    const options = parsed.options
    debug = options.debug
    const to = getFormat(options.to)
    if (!to.write)
      throw new ProfconvError(to.name, 'profconv can read this format but not write it')
    const profiles: Profile[] = []
    for (const input of options.inputs) {
      current = input === '-' ? '<stdin>' : input
      profiles.push(...(await readOne(input, options, io)))
    }
    current = ''
    const profile = prepareFor(to, mergeProfiles(profiles))
    const output = to.write(profile, options)
    if (options.output) await writeAtomically(options.output, output)
    else if (!(await writeOut(io.stdout, output))) return EXIT.ok // reader went away
    if (!options.quiet) for (const note of profile.meta.notes) say(`note: ${note}`)
    return EXIT.ok
  } catch (error) {
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

class UsageError extends Error {}

interface Options {
  inputs: string[]
  to: string
  output?: string
  from?: string
  metric?: string
  maxInputSize?: number
  quiet: boolean
  debug: boolean
  [option: string]: unknown
}

/** yargs drops a bare `-`; it stands in for stdin (an input) or stdout (`-o -`). */
const DASH = '\u0000-'

async function parseArgs(
  args: readonly string[],
): Promise<{ options: Options } | { output: string }> {
  let output = ''
  let failure: string | undefined
  const parser = yargs()
    .scriptName('profconv')
    .usage('Usage: $0 <inputs..> -t <format> [-o <file>]\n\nConvert profiles between formats.')
    .command('$0 <inputs..>', false, (y) =>
      y.positional('inputs', {
        type: 'string',
        array: true,
        describe: 'profile files, - for stdin; several are merged',
      }),
    )
    .option('to', { alias: 't', type: 'string', demandOption: true, describe: 'output format' })
    .option('output', { alias: 'o', type: 'string', describe: 'output file (default: stdout)' })
    .option('from', { alias: 'f', type: 'string', describe: 'input format (default: detected)' })
    .option('metric', {
      alias: 'm',
      type: 'string',
      describe: 'metric shown by one-metric outputs (name or index)',
    })
  for (const option of formatOptions()) {
    parser.option(option.flag, {
      type: option.type,
      default: option.default,
      alias: option.alias,
      choices: option.choices as string[] | undefined,
      describe: option.description,
      group: 'Format options:',
    })
  }
  const argv = await parser
    .option('max-input-size', {
      type: 'number',
      describe: 'cap on decompressed input, bytes (default 4 GiB)',
    })
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      default: false,
      describe: 'do not print notes',
    })
    .option('debug', {
      type: 'boolean',
      default: false,
      describe: 'print stack traces of internal errors',
    })
    .example(
      '$0 app.prof -t dot | dot -Tsvg -o app.svg',
      'cProfile output as a gprof2dot-style call graph',
    )
    .example('$0 app.prof -t pstats-json -o app.json', 'the same data as documented JSON')
    .example('cat app.prof | $0 - -t dot > app.dot', 'read stdin')
    .epilog(formatTable())
    .strict()
    .version(VERSION)
    .help()
    .wrap(100)
    .exitProcess(false)
    .parse(
      args.map((a) => (a === '-' ? DASH : a)),
      {},
      (err, _argv, out) => {
        output = out
        if (err) failure = err.message
      },
    )
  if (failure !== undefined) throw new UsageError(`${failure} (see profconv --help)`)
  if (argv.help || argv.version) return { output }
  return {
    options: {
      ...(argv as unknown as Options),
      inputs: ((argv.inputs ?? []) as string[]).map((a) => (a === DASH ? '-' : a)),
      output: argv.output === DASH ? undefined : argv.output,
      maxInputSize: argv['max-input-size'],
    },
  }
}

/** Every format's own options, once each (formats may share a flag). */
function formatOptions(): FormatOption[] {
  const byFlag = new Map<string, FormatOption>()
  for (const format of listFormats()) for (const o of format.options ?? []) byFlag.set(o.flag, o)
  return [...byFlag.values()]
}

function formatTable(): string {
  const rows = listFormats().map(
    (f) =>
      `  ${f.name.padEnd(13)} ${f.read ? 'read' : '    '} ${f.write ? 'write' : '     '}  ${f.extensions.join(' ')}\n${' '.repeat(27)}${f.description}`,
  )
  return [
    'Formats:',
    ...rows,
    '',
    'Input formats are detected from content (gzip too), then from the file name.',
  ].join('\n')
}

/**
 * The profiles of one input. Files whose format reads from chunks are streamed (callgrind files
 * can be larger than memory); the rest are read whole.
 */
async function readOne(input: string, options: Options, io: Io): Promise<Profile[]> {
  const readOptions = { ...options, fileName: input === '-' ? undefined : input }
  if (input === '-') {
    const bytes = await readAll(io.stdin)
    return readInput(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), readOptions)
      .profiles
  }
  const handle = await open(input, 'r')
  try {
    const head = new Uint8Array(64 * 1024)
    const { bytesRead } = await handle.read(head, 0, head.length, 0)
    const format = inputFormat(head.subarray(0, bytesRead), readOptions)
    if (format.readStream) {
      return await format.readStream(
        handle.createReadStream({ start: 0, highWaterMark: 1 << 20, autoClose: false }),
        readOptions,
      )
    }
    const bytes = await handle.readFile()
    return format.read!(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), readOptions)
  } finally {
    await handle.close()
  }
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (!stream) throw new UsageError('no standard input to read')
  const chunks: Buffer[] = []
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks)
}

/** Writes to a temporary file beside `path` and renames it: an error never leaves half a file. */
async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`)
  try {
    await writeFile(temp, data)
    await rename(temp, path)
  } catch (error) {
    await unlink(temp).catch(() => undefined)
    throw error
  }
}

/** False when the reader closed the pipe (`| head`): not an error. */
function writeOut(stream: NodeJS.WritableStream, data: string | Uint8Array): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) =>
      error.code === 'EPIPE' ? resolve(false) : reject(error)
    stream.once('error', onError)
    stream.write(data, (error) => {
      stream.removeListener('error', onError)
      if (!error) resolve(true)
      else onError(error as NodeJS.ErrnoException)
    })
  })
}

function systemMessage(e: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    ENOENT: 'no such file',
    EACCES: 'permission denied',
    EISDIR: 'is a directory, not a file',
    ENOTDIR: 'a part of the path is not a folder',
  }
  return known[e.code!] ?? e.message
}

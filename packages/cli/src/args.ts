import { createRequire } from 'node:module'
import yargs, { type Argv } from 'yargs'
import { listFormats } from '@profconv/core'
import { GRANULARITIES, type FormatOption, type Granularity } from '@profconv/model'
import { UsageError } from './input.js'

const VERSION: string = createRequire(import.meta.url)('../package.json').version

/** Options shared by every command; format options arrive under their camelCase keys. */
export interface Options {
  inputs: string[]
  to?: string
  output?: string
  from?: string
  metric?: string
  /** A base profile to draw the output against (`--compare`, dot and svg). */
  compare?: string
  maxInputSize?: number
  /** What a box or row stands for (`--granularity`, go tool pprof's meanings). */
  granularity?: Granularity
  /** Folders where `-t list` looks for source files not found where the profile says. */
  sourcePath?: string
  /** Keep source lines and addresses (default: when the output format uses them). */
  positions?: boolean
  /** Worker threads reading inputs (`--jobs`); default the number of cores. */
  jobs?: number
  /** Skip inputs that fail to read, and count them (`--keep-going`). */
  keepGoing: boolean
  json?: boolean
  quiet: boolean
  debug: boolean
  [option: string]: unknown
}

/** What the command line asks for: a command with its options, or text to print (help). */
export type Request =
  | { command: 'convert' | 'merge' | 'info' | 'view' | 'list'; options: Options }
  | { command: 'print'; text: string }

/** yargs drops a bare `-`; it stands in for stdin (an input) or stdout (`-o -`). */
const DASH = '\u0000-'
const FORMAT_FLAGS = ['-t', '--to', '-f', '--from']

export async function parseArgs(args: readonly string[]): Promise<Request> {
  if (args[0] === 'completion') return { command: 'print', text: await completionScript() }
  let text = ''
  let failure: string | undefined
  const parser = commandLine(args)
  if (!args.some((a) => TEXT_FLAGS.includes(a))) skipHelpCache(parser)
  const argv = await parser.exitProcess(false).parse(
    args.map((a) => (a === '-' ? DASH : a)),
    {},
    (err, _argv, out) => {
      text = out
      if (err) failure = err.message
    },
  )
  if (failure !== undefined) throw new UsageError(`${failure} (see profconv --help)`)
  if (argv.help || argv.version || argv['get-yargs-completions'] !== undefined)
    return { command: 'print', text }
  const first = argv._[0]
  const command =
    first === 'info' || first === 'merge' || first === 'view' || first === 'list'
      ? first
      : 'convert'
  const inputs = (command === 'info' ? argv.files : argv.inputs) as string[] | undefined
  return {
    command,
    options: {
      ...(argv as unknown as Options),
      inputs: (inputs ?? []).map((a) => (a === DASH ? '-' : a)),
      output: argv.output === DASH ? undefined : (argv.output as string | undefined),
      maxInputSize: argv['max-input-size'] as number | undefined,
      sourcePath: argv['source-path'] as string | undefined,
      ...(command === 'list' ? { to: 'list', list: argv.pattern as string } : {}),
      keepGoing: argv['keep-going'] === true,
    },
  }
}

/** Flags whose answer is text yargs renders (help, version, completions). */
const TEXT_FLAGS = ['--help', '-h', '--version', '--get-yargs-completions']

/**
 * yargs renders a command's whole help (every option, the format table) when the command runs
 * (`merge`, `info`, …), to have it ready should the command fail; measuring and wrapping that
 * text was 50–70 ms of every start. profconv never shows help on a failure (it prints the reason
 * and "see profconv --help"), so outside help requests the rendering is skipped. An internal of
 * yargs 18: when it is gone, the help is rendered as before.
 */
function skipHelpCache(parser: Argv): void {
  const usage = (
    parser as unknown as {
      getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } }
    }
  )
    .getInternalMethods?.()
    ?.getUsageInstance?.()
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => undefined
}

function commandLine(args: readonly string[]): Argv {
  const parser = yargs()
    .scriptName('profconv')
    .usage(
      [
        'Usage: $0 <inputs..> -t <format> [-o <file>]   convert (several inputs are merged)',
        '       $0 info <files..>                         describe profiles',
        '       $0 merge <inputs..> -t <format>           merge same-kind profiles strictly',
        '       $0 view <inputs..>                        open the HTML report in a browser',
        '       $0 list <regex> <inputs..>                source lines of matching functions with costs',
        '',
        'Convert profiles between formats.',
      ].join('\n'),
    )
    .command('$0 <inputs..>', 'convert to --to (several inputs are merged)', (y) =>
      y
        .positional('inputs', {
          type: 'string',
          array: true,
          describe:
            'profile files, folders (every profile below), @list (paths in a file), @- (paths on stdin), - (stdin); several are merged',
        })
        .option('to', outputFormat),
    )
    .command(
      'info <files..>',
      'describe each profile: format, metrics and totals, functions, samples, time span, notes',
      (y) =>
        y
          .positional('files', {
            type: 'string',
            array: true,
            describe: 'profile files, - for stdin',
          })
          .option('json', { type: 'boolean', default: false, describe: 'print JSON' }),
    )
    .command(
      'merge <inputs..>',
      'merge profiles of the same kind (runs, threads, hosts); fails when their metrics differ',
      (y) =>
        y
          .positional('inputs', {
            type: 'string',
            array: true,
            describe: 'profile files, folders, @list or @- (paths in a file or on stdin)',
          })
          .option('to', outputFormat),
    )
    .command(
      'view <inputs..>',
      'write the HTML report of the inputs (merged) and open it in the browser (-o: where)',
      (y) =>
        y
          .positional('inputs', { type: 'string', array: true, describe: 'profile files' })
          .option('open', {
            type: 'boolean',
            default: true,
            describe: 'open the report in the browser (--no-open: print its path only)',
          }),
    )
    .command(
      'list <pattern> <inputs..>',
      'per-line flat and cum cost of the functions matching <pattern> beside their source (go tool pprof -list)',
      (y) =>
        y
          .positional('pattern', {
            type: 'string',
            describe: 'regular expression matched against function names',
          })
          .positional('inputs', { type: 'string', array: true, describe: 'profile files' }),
    )
    .command('completion', 'print a bash/zsh completion script (profconv completion >> ~/.bashrc)')
    .completion(
      'completion',
      false,
      (_current: string, _argv: unknown, defaults: Defaults, done: Done) => {
        // Words typed so far follow the completion flag; the last one is being completed.
        const words = args.slice(args.indexOf('--get-yargs-completions') + 1)
        if (FORMAT_FLAGS.includes(words[words.length - 2]))
          return done(listFormats().map((f) => f.name))
        defaults((_err, list) => done((list ?? []).filter((c) => c !== '$0')))
      },
    )
    .option('output', { alias: 'o', type: 'string', describe: 'output file (default: stdout)' })
    .option('from', { alias: 'f', type: 'string', describe: 'input format (default: detected)' })
    .option('metric', {
      alias: 'm',
      type: 'string',
      describe: 'metric shown by one-metric outputs (name or index)',
    })
    .option('compare', {
      type: 'string',
      describe: 'base profile (any format) to draw the change against (dot, svg, flamegraph)',
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
  return parser
    .option('granularity', {
      alias: 'g',
      type: 'string',
      choices: GRANULARITIES as Granularity[],
      describe:
        'what a box or row stands for (as go tool pprof): functions (default), filefunctions, files, lines (function at a source line: "main.fib main.go:19"), addresses',
    })
    .option('source-path', {
      type: 'string',
      describe:
        'list: folders (separated by :) to look for source files in when they are not where the profile says (as go tool pprof -source_path; default: the current folder)',
    })
    .option('positions', {
      type: 'boolean',
      describe:
        'keep source lines, inlined files and addresses (default: when the output format uses them)',
    })
    .option('jobs', {
      alias: 'j',
      type: 'number',
      describe:
        'threads reading inputs in parallel (default: the number of cores, once the inputs are many enough to pay for starting them)',
    })
    .option('keep-going', {
      type: 'boolean',
      default: false,
      describe: 'skip inputs that fail to read (each named on stderr, counted in a note)',
    })
    .option('max-input-size', {
      type: 'number',
      describe: 'cap on decompressed input, bytes (default 4 GiB)',
    })
    .option('quiet', {
      alias: 'q',
      type: 'boolean',
      default: false,
      describe: 'print no notes and no progress bar',
    })
    .option('debug', {
      type: 'boolean',
      default: false,
      describe: 'print stack traces of internal errors',
    })
    .example('$0 info app.prof', 'what is in this file?')
    .example('$0 app.prof -t top --limit 20', 'the 20 functions with the most self time')
    .example(
      '$0 app.prof -t dot | dot -Tsvg -o app.svg',
      'cProfile output as a gprof2dot-style call graph',
    )
    .example('$0 cpu.pb.gz -t speedscope -o cpu.json', 'open a pprof profile in speedscope')
    .example('$0 cpu.pb.gz -t top -g lines', 'the hottest source lines (go tool pprof -top -lines)')
    .example('$0 list main.fib cpu.pb.gz', 'main.fib line by line beside its source (-list)')
    .example('$0 merge run1.prof run2.prof -t pstats -o all.prof', 'sum several runs')
    .example('$0 merge profiles/ -t pprof -o fleet.pb.gz', 'merge every profile below a folder')
    .example("find . -name '*.pb.gz' | $0 merge @- -t pprof -o all.pb.gz", 'paths on stdin')
    .example('cat app.prof | $0 - -t folded > app.folded', 'read stdin')
    .epilog(formatTable())
    .strict()
    .version(VERSION)
    .help()
    .wrap(100)
}

type Done = (completions: string[]) => void
type Defaults = (
  onCompleted: (err: Error | null, completions: string[] | undefined) => void,
) => void

const outputFormat = {
  alias: 't',
  type: 'string',
  demandOption: true,
  describe: 'output format (see Formats below)',
} as const

/** The completion script; a parser without the default command, which would take the word. */
async function completionScript(): Promise<string> {
  let text = ''
  await yargs()
    .scriptName('profconv')
    .completion('completion')
    .exitProcess(false)
    .parse(['completion'], {}, (_err, _argv, out) => {
      text = out
    })
  return text
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
    'A file named like a command (info, merge, completion) is given as ./info, one whose',
    'name starts with @ as ./@name.',
  ].join('\n')
}

import {
  ProfconvError,
  ProfileMerger,
  withGraph,
  withPositions,
  withGranularity,
  withSamples,
  type FormatDescriptor,
  type Granularity,
  type Profile,
  type ReadOptions,
  type WriteOptions,
} from '@profconv/model'
import { detectFormat, getFormat } from './registry.js'

export interface ReadInputOptions extends ReadOptions {
  /** Format name; sniffed from the content (then the file name) when absent. */
  from?: string
  /** File name, for sniffing by extension. */
  fileName?: string
}

/**
 * The format to read an input with: `from` if given, else detected from the input's first
 * bytes (`head`; the whole input will do) and its name. Throws when none can read it.
 */
export function inputFormat(head: Uint8Array, options: ReadInputOptions = {}): FormatDescriptor {
  const format = options.from ? getFormat(options.from) : detectFormat(head, options.fileName)
  if (!format) {
    throw new ProfconvError(
      'profconv',
      'cannot tell the input format from its content or name; name it with --from',
    )
  }
  if (!format.read) {
    throw new ProfconvError(format.name, 'profconv can write this format but not read it')
  }
  return format
}

/**
 * Reads one input into its profiles, detecting the format unless `from` names it.
 *
 * @param bytes - the whole input; gzip is accepted.
 * @returns the format read and every profile the input holds (callgrind parts and threads are
 *   separate profiles).
 * @throws ProfconvError when no format recognises the input, or the input is malformed.
 */
export function readInput(
  bytes: Uint8Array,
  options: ReadInputOptions = {},
): { format: FormatDescriptor; profiles: Profile[] } {
  const format = inputFormat(bytes, options)
  return { format, profiles: format.read!(bytes, options) }
}

/**
 * `profile` with the view `format`'s writer works from: regrouped by `granularity` (files,
 * lines, …: `withGranularity`) unless the writer has units of its own, then samples → call graph
 * is exact (the pprof rule); call graph → samples is an estimate and adds a note to `meta.notes`.
 */
export function prepareFor(
  format: FormatDescriptor,
  profile: Profile,
  granularity: Granularity = 'functions',
): Profile {
  if (format.granularity === false && granularity !== 'functions')
    profile.meta.notes.push(
      `--granularity ${granularity} is not used: -t ${format.name} has units of its own`,
    )
  const grouped = format.granularity === false ? profile : withGranularity(profile, granularity)
  const prepared = format.writes === 'samples' ? withSamples(grouped) : withGraph(grouped)
  return format.usesPositions ? withPositions(prepared) : prepared
}

/**
 * Whether to build position detail when reading for `format`: as `positions` says, else when
 * the writer uses it or a `granularity` finer or other than functions asks for it
 * (function-level writers read faster and smaller without).
 */
export function keepsPositions(
  format: FormatDescriptor,
  positions?: boolean,
  granularity: Granularity = 'functions',
): boolean {
  return (
    positions ??
    (format.usesPositions === true || (format.granularity !== false && granularity !== 'functions'))
  )
}

/**
 * Options of {@link convert}: the output format, the reader's options (`from`, `fileName`,
 * `maxInputSize`, a format's own keys) and the writer's (`metric`, a format's own keys, e.g.
 * `nodeThres` for dot, `sort` and `limit` for top) in one object, camelCase as the CLI passes them.
 */
export interface ConvertOptions extends ReadInputOptions, WriteOptions {
  /** Output format name (`listFormats()` has them all; `-t` on the command line). */
  to: string
  /**
   * What a box or row stands for (`--granularity`): functions (default), filefunctions, files,
   * lines or addresses, with go tool pprof's meanings.
   */
  granularity?: Granularity
}

/**
 * Converts one or more inputs (merged, as `pstats.Stats(a, b)` merges) to the `to` format.
 * Returns the output and the notes of everything estimated or dropped on the way.
 *
 * @param inputs - one input or several, each the bytes of a whole file (gzip accepted). The
 *   format of each is detected from its content, then from `options.fileName`, unless
 *   `options.from` names it.
 * @returns `output`: a string for text formats, bytes for binary ones (pprof, pstats);
 *   `notes`: one sentence per thing estimated or dropped (the CLI prints them on stderr).
 * @throws ProfconvError for an unknown format name (with a suggestion), an undetectable or
 *   malformed input, or a format that cannot be written.
 *
 * @example
 * ```ts
 * import { readFileSync, writeFileSync } from 'node:fs'
 * import { convert } from '@profconv/core'
 *
 * const { output, notes } = convert(readFileSync('app.prof'), { to: 'speedscope' })
 * writeFileSync('app.speedscope.json', output)
 * for (const note of notes) console.warn(note)
 * ```
 */
export function convert(
  inputs: Uint8Array | readonly Uint8Array[],
  options: ConvertOptions,
): { output: string | Uint8Array; notes: string[] } {
  const to = getFormat(options.to)
  if (!to.write) throw new ProfconvError(to.name, 'profconv can read this format but not write it')
  const list = inputs instanceof Uint8Array ? [inputs] : inputs
  const readOptions = {
    ...options,
    positions: keepsPositions(to, options.positions, options.granularity),
  }
  // A fold: each input's profiles are summed into the result and dropped before the next is read.
  const merger = new ProfileMerger()
  list.forEach((bytes, i) => {
    for (const p of readInput(bytes, readOptions).profiles)
      merger.add(p, list.length > 1 ? `input ${i + 1}` : 'the input')
  })
  const profile = prepareFor(to, merger.result(), options.granularity)
  return { output: to.write(profile, options), notes: profile.meta.notes }
}

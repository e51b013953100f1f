import {
  ProfconvError,
  mergeProfiles,
  withGraph,
  withSamples,
  type FormatDescriptor,
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

/** Reads one input into its profiles, detecting the format unless `from` names it. */
export function readInput(
  bytes: Uint8Array,
  options: ReadInputOptions = {},
): { format: FormatDescriptor; profiles: Profile[] } {
  const format = inputFormat(bytes, options)
  return { format, profiles: format.read!(bytes, options) }
}

/** `profile` with the view `format`'s writer works from (estimated stacks add a note). */
export function prepareFor(format: FormatDescriptor, profile: Profile): Profile {
  return format.writes === 'samples' ? withSamples(profile) : withGraph(profile)
}

export interface ConvertOptions extends ReadInputOptions, WriteOptions {
  /** Output format name. */
  to: string
}

/**
 * Converts one or more inputs (merged, as `pstats.Stats(a, b)` merges) to the `to` format.
 * Returns the output and the notes of everything estimated or dropped on the way.
 */
export function convert(
  inputs: Uint8Array | readonly Uint8Array[],
  options: ConvertOptions,
): { output: string | Uint8Array; notes: string[] } {
  const to = getFormat(options.to)
  if (!to.write) throw new ProfconvError(to.name, 'profconv can read this format but not write it')
  const list = inputs instanceof Uint8Array ? [inputs] : inputs
  const profiles = list.flatMap((bytes) => readInput(bytes, options).profiles)
  const profile = prepareFor(to, mergeProfiles(profiles))
  return { output: to.write(profile, options), notes: profile.meta.notes }
}

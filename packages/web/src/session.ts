/**
 * What the page's worker does, as plain functions (tested in Node against the CLI): read the
 * files a user opened, describe them as `profconv info` does, merge them for the report's views,
 * and convert them to any format as `profconv FILE… -t FORMAT` does, with the CLI's defaults.
 */
import {
  getFormat,
  infoText,
  inputFormat,
  keepsPositions,
  listFormats,
  prepareFor,
  summarize,
} from '@profconv/core'
import { reportData, type ProfileData, type ReportSettings } from '@profconv/html'
import {
  ProfconvError,
  ProfileMerger,
  type FormatOption,
  type Granularity,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { DrawInPage } from './svg-render.js'

/** One file the user opened (or text pasted), by the name shown for it. */
export interface Input {
  name: string
  blob: Blob
}

/** A format as the page offers it (the registry's descriptor without its functions). */
export interface FormatInfo {
  name: string
  description: string
  extensions: readonly string[]
  read: boolean
  write: boolean
  options: readonly FormatOption[]
}

export function formatList(): FormatInfo[] {
  return listFormats().map((f) => ({
    name: f.name,
    description: f.description,
    extensions: f.extensions,
    read: f.read !== undefined || f.readStream !== undefined,
    write: f.write !== undefined,
    options: f.options ?? [],
  }))
}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

/**
 * The options the CLI gives readers and writers: the default of every format's option (for a
 * flag two formats share, the later one's, as the CLI's parser has it), then `given` (camelCase
 * keys, as on the command line).
 */
export function cliOptions(given: Record<string, unknown> = {}): Record<string, unknown> {
  const options: Record<string, unknown> = {}
  const byFlag = new Map<string, FormatOption>()
  for (const format of listFormats()) for (const o of format.options ?? []) byFlag.set(o.flag, o)
  for (const o of byFlag.values()) if (o.default !== undefined) options[camel(o.flag)] = o.default
  for (const [key, value] of Object.entries(given)) if (value !== undefined) options[key] = value
  return options
}

/** The one-line message the CLI prints after `profconv: error: FILE: `. */
export function errorText(error: unknown): string {
  if (error instanceof ProfconvError)
    return error.format === 'profconv' ? error.reason : error.message
  return `internal error: ${(error as Error)?.message ?? String(error)}`
}

/**
 * The profiles of one input, read as the CLI reads a file: the format from the first 64 KiB
 * (then the name), then from chunks where the format reads them (callgrind files of hundreds
 * of MB), else whole. `progress` is told the bytes read so far.
 */
export async function readBlob(
  input: Input,
  options: ReadOptions,
  progress?: (loaded: number, size: number) => void,
): Promise<{ format: string; profiles: Profile[] }> {
  const readOptions = { ...options, fileName: input.name }
  const head = new Uint8Array(await input.blob.slice(0, 64 * 1024).arrayBuffer())
  const format = inputFormat(head, readOptions)
  const chunks = chunksOf(input.blob, progress)
  if (format.readStream)
    return { format: format.name, profiles: await format.readStream(chunks, readOptions) }
  const bytes = await collect(chunks, input.blob.size)
  return { format: format.name, profiles: format.read!(bytes, readOptions) }
}

async function* chunksOf(
  blob: Blob,
  progress?: (loaded: number, size: number) => void,
): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader()
  let loaded = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return
    // The browser's chunks can be megabytes: handed on (and reported) a mebibyte at most at a
    // time, so progress moves as the reader parses, whatever size the browser reads in.
    for (let at = 0; at < value.length; at += PIECE) {
      const piece = value.subarray(at, at + PIECE)
      loaded += piece.length
      progress?.(loaded, blob.size)
      yield piece
    }
  }
}

/** The most bytes handed to a reader (and reported read) at once. */
const PIECE = 1 << 20

async function collect(chunks: AsyncIterable<Uint8Array>, size: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(size)
  let length = 0
  for await (const chunk of chunks) {
    bytes.set(chunk.subarray(0, Math.max(0, size - length)), length)
    length += chunk.length
  }
  return bytes.subarray(0, Math.min(length, size))
}

/** Every input's profiles merged as the CLI merges its inputs (each file's, then the files). */
async function merged(
  inputs: readonly Input[],
  options: ReadOptions,
  progress?: (loaded: number, size: number) => void,
): Promise<Profile> {
  const all = new ProfileMerger({ sameKind: false })
  const size = inputs.reduce((sum, input) => sum + input.blob.size, 0)
  let done = 0
  for (const input of inputs) {
    const { profiles } = await readBlob(input, options, (l) => progress?.(done + l, size))
    done += input.blob.size
    const one = new ProfileMerger({ sameKind: false })
    for (const p of profiles) one.add(p, input.name)
    all.add(one.result(), input.name)
  }
  return all.result()
}

/**
 * What one input holds: `profconv info`'s text, or why it could not be read (`undetected`: no
 * format recognises it, so it may be a source file for `-t list`).
 */
export type FileInfo =
  | { ok: true; format: string; info: string; profiles: Profile[] }
  | { ok: false; error: string; undetected: boolean }

/** Reads `input` as `profconv info` does (without position detail) and describes it. */
export async function describe(
  input: Input,
  progress?: (loaded: number, size: number) => void,
): Promise<FileInfo> {
  try {
    const options = { ...cliOptions(), positions: false }
    const { format, profiles } = await readBlob(input, options, progress)
    const info = profiles
      .map((p, i) =>
        infoText(
          profiles.length > 1
            ? `${input.name} (profile ${i + 1} of ${profiles.length})`
            : input.name,
          summarize(p),
        ),
      )
      .join('\n\n')
    return { ok: true, format, info, profiles }
  } catch (error) {
    const undetected = error instanceof ProfconvError && error.format === 'profconv'
    return { ok: false, error: errorText(error), undetected }
  }
}

/** Source files larger than this are not read for `-t list`. */
const MAX_SOURCE = 8 * 2 ** 20

/**
 * The source files `-t list` shows beside its lines, from files opened that are not profiles,
 * found by base name (the CLI reads the paths the profile names, or below `--source-path`).
 */
export async function sourceReader(
  files: readonly Input[],
): Promise<(path: string) => string | undefined> {
  const texts = new Map<string, string>()
  for (const f of files)
    if (f.blob.size <= MAX_SOURCE) texts.set(baseName(f.name), await f.blob.text())
  return (path) => texts.get(baseName(path))
}

const baseName = (path: string) => path.replace(/^.*[/\\]/, '')

/**
 * The report's data for `inputs`, as `profconv view` makes it: merged, prepared for `-t html`.
 * `read` gives an input's profiles when they are at hand (one input, just described).
 */
export async function viewData(
  inputs: readonly Input[],
  profilesOf?: Profile[],
): Promise<{ profile: ProfileData; settings: ReportSettings }> {
  const html = getFormat('html')
  const options = { ...cliOptions(), positions: keepsPositions(html) }
  let profile: Profile
  if (profilesOf && inputs.length === 1 && !html.usesPositions) {
    const one = new ProfileMerger({ sameKind: false })
    for (const p of profilesOf) one.add(p, inputs[0].name)
    profile = one.result()
  } else profile = await merged(inputs, options)
  return reportData(prepareFor(html, profile), options)
}

/** A conversion's result; `dot` instead of `output` when the page is to draw the SVG. */
export interface Output {
  output?: string | Uint8Array
  dot?: string
  notes: string[]
  fileName: string
}

/**
 * `profconv INPUTS… -t to` with the options `given` (camelCase, as on the command line): the same
 * bytes as the CLI's (pprof's gzip too: both compress with fflate).
 */
export async function convertInputs(
  inputs: readonly Input[],
  to: string,
  given: Record<string, unknown> = {},
  sources: readonly Input[] = [],
  progress?: (loaded: number, size: number) => void,
): Promise<Output> {
  const format = getFormat(to)
  if (!format.write)
    throw new ProfconvError(format.name, 'profconv can read this format but not write it')
  if (inputs.length === 0) throw new ProfconvError('profconv', 'no input to convert')
  const options = cliOptions(given)
  const granularity = options.granularity as Granularity | undefined
  const positions = keepsPositions(format, undefined, granularity)
  const profile = prepareFor(
    format,
    await merged(inputs, { ...options, positions }, progress),
    granularity,
  )
  if (sources.length > 0) options.readSource = await sourceReader(sources)
  const fileName = outputName(inputs[0].name, format)
  try {
    const output = format.write(profile, { ...options, color: false })
    return { output, notes: profile.meta.notes, fileName }
  } catch (error) {
    if (error instanceof DrawInPage) return { dot: error.dot, notes: profile.meta.notes, fileName }
    throw error
  }
}

/** `app.prof` → `app.dot`: the first input's name without its endings, the format's first. */
function outputName(input: string, format: { name: string; extensions: readonly string[] }) {
  const base = input.replace(/^.*[/\\]/, '').replace(/(\.gz)?$/, '')
  const stem = base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base
  return `${stem || 'profile'}${format.extensions[0] ?? `.${format.name}`}`
}

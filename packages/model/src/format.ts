import type { Profile } from './profile.js'

/** Options every reader understands; format packages document their own extra keys. */
export interface ReadOptions {
  /** Cap on decompressed input in bytes (gzip bombs). Default `DEFAULT_MAX_INPUT`. */
  maxInputSize?: number
  /**
   * Keep where in the code costs are (source lines, inlined files, instruction addresses) as
   * `Profile.positions` or stack-tree positions, where the format has them. Default true; the
   * core passes false when the target's writer does not use them, which reads faster.
   */
  positions?: boolean
  readonly [option: string]: unknown
}

/** Options every writer understands; format packages document their own extra keys. */
export interface WriteOptions {
  /** Metric to show, by name or index, for writers that hold one metric. */
  metric?: string | number
  readonly [option: string]: unknown
}

/**
 * A command-line option a format understands. The CLI offers it as `--<flag>` (kebab-case) and
 * passes it to `read` or `write` under the camelCase key (`--drop-special-frames` →
 * `options.dropSpecialFrames`); a boolean that defaults to true is also `--no-<flag>`.
 */
export interface FormatOption {
  readonly flag: string
  readonly type: 'boolean' | 'number' | 'string'
  readonly description: string
  readonly default?: boolean | number | string
  /** Short alias (one letter), where gprof2dot or the format's own tool has one. */
  readonly alias?: string
  readonly choices?: readonly string[]
}

/**
 * What the registry knows of one format. Each format package exports one; `@profconv/core`
 * lists them. `sniff` sees the input already gunzipped and answers `false` for "not mine".
 */
export interface FormatDescriptor {
  /** Registry name, used by `-t` and `--from` (`pstats`, `callgrind`, …). */
  readonly name: string
  /** One line for `--help`. */
  readonly description: string
  /** File name endings, lower case, with the dot (`.prof`). */
  readonly extensions: readonly string[]
  /** True when the content is recognisably this format. */
  sniff?(bytes: Uint8Array): boolean
  /** Base-name patterns the format's own tools write (`callgrind.out.<pid>`), for detection. */
  readonly fileNames?: readonly RegExp[]
  /** Every profile the input holds (several parts, threads or profiles). */
  read?(bytes: Uint8Array, options: ReadOptions): Profile[]
  /**
   * The same from chunks (gzip accepted), for inputs too big to hold at once: memory grows with
   * the profile, not with the file. The CLI prefers it for files when present.
   */
  readStream?(chunks: AsyncIterable<Uint8Array>, options: ReadOptions): Promise<Profile[]>
  /** Which view the writer works from; the caller derives or estimates it first. */
  readonly writes?: 'samples' | 'graph'
  /** True when the writer uses position detail (lines, addresses); readers then build it. */
  readonly usesPositions?: boolean
  /**
   * False when the writer shows units of its own (a source listing shows lines) and
   * `--granularity` does not apply to it; other writers see the profile regrouped by it.
   */
  readonly granularity?: boolean
  write?(profile: Profile, options: WriteOptions): string | Uint8Array
  /**
   * What `write` writes, handed to `sink` in pieces as it is made, for outputs too big to hold
   * at once (memory stays flat); a piece is only valid during the call (its buffer is written
   * again). The CLI prefers it when present.
   */
  writeStream?(profile: Profile, options: WriteOptions, sink: (chunk: Uint8Array) => void): void
  /** Options of this format's reader and writer, offered by the CLI. */
  readonly options?: readonly FormatOption[]
}

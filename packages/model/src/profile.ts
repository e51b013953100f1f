import type { CallGraph } from './graph.js'
import type { FrameTable } from './frame-table.js'
import type { Metric } from './metric.js'
import type { PositionDetail } from './positions.js'
import type { Samples } from './samples.js'

/**
 * A binary or shared library mapped into the profiled process (pprof's `Mapping`): instruction
 * addresses in [start, limit) are code of `file`, loaded from its byte `offset`. Exact to 64
 * bits (kernel mappings lie beyond 2^53). Frames name theirs by `module` = `file`.
 */
export interface Mapping {
  readonly file: string
  readonly start: bigint
  readonly limit: bigint
  readonly offset: bigint
  readonly buildId?: string
  /**
   * What the source had already resolved in the binary (pprof's `has_functions`,
   * `has_filenames`, `has_line_numbers`, `has_inline_frames`), where it says.
   */
  readonly symbolized?: {
    readonly functions: boolean
    readonly filenames: boolean
    readonly lineNumbers: boolean
    readonly inlineFrames: boolean
  }
}

/** What is known about a profile besides its data. */
export interface ProfileMeta {
  /** Registry name of the format it was read from (`pstats`, `callgrind`, …). */
  format: string
  name?: string
  /** Start of profiling, in milliseconds since the Unix epoch. */
  startTime?: number
  /** Length of profiling, in nanoseconds. */
  duration?: number
  /** Sampling period: one sample stands for `value` of `metric`. */
  period?: { metric: Metric; value: number }
  /**
   * The program total per metric as the source states it, where it does (callgrind's
   * `summary:`, which valgrind may count a little above the sum of the costs). Writers that
   * state a total write this one back; merging sums them (or drops them if one input has none).
   */
  totals?: number[]
  /** The binaries mapped into the process, in the source's order, where it lists them (pprof). */
  mappings?: Mapping[]
  /** Free text the source carried (pprof comments, callgrind `desc:` lines). */
  comments: string[]
  /** What a conversion estimated or dropped; the CLI prints each as `profconv: note: …`. */
  notes: string[]
}

/**
 * The one model every reader produces and every writer consumes. At least one of `samples`
 * and `graph` is present; `graphOf` and `samplesOf` derive the other.
 */
export interface Profile {
  metrics: Metric[]
  /** Index into `metrics` of the metric single-metric writers show by default. */
  defaultMetric: number
  frames: FrameTable
  samples?: Samples
  graph?: CallGraph
  /**
   * Where in the code the graph's costs are (lines, inlined files, addresses), where the source
   * says and the reader was asked (`ReadOptions.positions`): a refinement of `graph` (or of the
   * graph derived from `samples`) whose sums equal it. Samples carry theirs in the stack tree;
   * `positionsOf` derives detail from it.
   */
  positions?: PositionDetail
  meta: ProfileMeta
}

/** A fresh meta block for a profile read from `format`. */
export function newMeta(format: string): ProfileMeta {
  return { format, comments: [], notes: [] }
}

import { edgeColumns, graphOf, graphTotals, type Metric, type Profile } from '@profconv/model'

/** A metric of a summarised profile with its total over the whole profile. */
export interface MetricSummary extends Metric {
  /** Sum over every sample (samples view) or every function's self cost (graph view). */
  total: number
  /** True for the metric one-metric writers show unless `--metric` says otherwise. */
  default: boolean
}

/** What `profconv info` shows: the shape and size of a profile, without its data. */
export interface ProfileSummary {
  /** Registry name of the format it was read from. */
  format: string
  name?: string
  /** The views the profile carries natively (derived views are not counted). */
  views: ('samples' | 'graph')[]
  metrics: MetricSummary[]
  /** Functions with a cost or a call (call-graph nodes). */
  functions: number
  /** Caller→callee pairs (call-graph edges; derived exactly from samples when needed). */
  edges: number
  /** Number of samples and of distinct stack-tree nodes, for the samples view. */
  samples?: number
  stackNodes?: number
  /** Sum of every function's calls and primitive (non-recursive) calls, where the source counts them. */
  calls?: number
  primitiveCalls?: number
  /** Start of profiling, ms since the Unix epoch. */
  startTime?: number
  /** Length of profiling as the source states it, ns. */
  duration?: number
  /** From the first to the last timed sample, ns, where samples carry times. */
  sampleSpan?: number
  period?: Profile['meta']['period']
  comments: string[]
  notes: string[]
}

/**
 * Summarises a profile (what `profconv info` prints): counts, per-metric totals, time span.
 * Totals are exact sums of what the source holds; nothing is estimated.
 */
export function summarize(profile: Profile): ProfileSummary {
  const graph = graphOf(profile)
  const samples = profile.samples
  const totals = samples
    ? samples.values.map((column) => column.reduce((a, b) => a + b, 0))
    : graphTotals(graph, profile.metrics.length)
  const summary: ProfileSummary = {
    format: profile.meta.format,
    views: [...(samples ? ['samples' as const] : []), ...(profile.graph ? ['graph' as const] : [])],
    metrics: profile.metrics.map((m, i) => ({
      ...m,
      total: totals[i],
      default: i === profile.defaultMetric,
    })),
    functions: graph.nodes.length,
    // Counted from the columns: a million-edge graph builds no edge objects for a count.
    edges: edgeColumns(graph, profile.metrics.length).length,
    comments: profile.meta.comments,
    notes: profile.meta.notes,
  }
  const { name, startTime, duration, period } = profile.meta
  if (name !== undefined) summary.name = name
  if (samples) {
    summary.samples = samples.stack.length
    summary.stackNodes = samples.tree.length
    const span = timeSpan(samples.time)
    if (span !== undefined) summary.sampleSpan = span
  }
  if (graph.nodes.some((n) => n.calls !== undefined)) {
    summary.calls = sum(graph.nodes.map((n) => n.calls ?? 0))
    if (graph.nodes.some((n) => n.primitiveCalls !== undefined))
      summary.primitiveCalls = sum(graph.nodes.map((n) => n.primitiveCalls ?? n.calls ?? 0))
  }
  if (startTime !== undefined) summary.startTime = startTime
  if (duration !== undefined) summary.duration = duration
  if (period !== undefined) summary.period = period
  return summary
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0)
}

function timeSpan(times: Float64Array | undefined): number | undefined {
  if (!times) return undefined
  let first = Infinity
  let last = -Infinity
  for (const t of times) {
    if (Number.isNaN(t)) continue
    if (t < first) first = t
    if (t > last) last = t
  }
  return last >= first ? last - first : undefined
}

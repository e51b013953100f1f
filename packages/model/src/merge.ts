import { PairIndex, graphOf } from './derive.js'
import { ProfconvError } from './error.js'
import { FrameTable } from './frame-table.js'
import {
  columnGraph,
  edgeColumns,
  newEdgeColumns,
  type CallGraph,
  type GraphNode,
} from './graph.js'
import type { Metric } from './metric.js'
import { positionsOf } from './position-derive.js'
import { Column, MetaSums, SampleSums } from './merge-sums.js'
import { PositionSums } from './position-merge.js'
import type { Profile } from './profile.js'
import type { Samples } from './samples.js'

/** Options of {@link ProfileMerger}. */
export interface MergeOptions {
  /**
   * Refuse an input whose metrics (names and units, in order) differ from the first input's
   * (`profconv merge`). Without it metrics are matched by name and one an input lacks counts 0.
   */
  sameKind?: boolean
}

/** How one input's ids map into the merged profile's. */
export interface InputMaps {
  /** Result frame id of each input frame id. */
  readonly frames: Int32Array
  /** Result metric index of each input metric index. */
  readonly metrics: Int32Array
  /** Result stack tree node of each input node, when the input's samples were merged as samples. */
  readonly nodes?: Int32Array
}

/**
 * Merges profiles of the same program (runs, threads, hosts) as a fold: each input is added into
 * the running result and can be dropped, so memory is the merged profile plus the input in hand,
 * whatever the number of inputs. Sums as Python's `pstats.Stats(a, b)` and `go tool pprof` do:
 * frames, stacks and call-graph arcs are interned into the result; samples of one stack and one
 * label set become one sample; durations add up, the start is the earliest, comments and notes
 * are kept once. Metrics are matched by name; one of another unit, or a sampling period of
 * another kind, is refused with the reason. Samples stay samples while every input has them;
 * from the first input without, the result is a call graph (derived exactly from the samples).
 *
 * Adding in order is deterministic: ids are numbered by first appearance, so merging partial
 * results of consecutive inputs (worker threads) in order gives the same profile, except for
 * the last bit of non-integer sums, which depend on the grouping.
 *
 * @example
 * ```ts
 * const merger = new ProfileMerger()
 * for (const bytes of inputs) for (const p of readInput(bytes).profiles) merger.add(p)
 * const merged = merger.result()
 * ```
 */
export class ProfileMerger {
  /** The one input so far, kept as it is: merging one profile changes nothing. */
  private only: { profile: Profile; source: string } | undefined
  private sums: Sums | undefined
  private added = 0

  constructor(private readonly options: MergeOptions = {}) {}

  /** How many profiles were added. */
  get count(): number {
    return this.added
  }

  /**
   * Adds `profile` into the result. `source` names it in errors (a file name).
   *
   * @throws ProfconvError when it cannot be summed with what came before: a metric of the same
   *   name in another unit, a sampling period of another kind, or (`sameKind`) other metrics.
   */
  add(profile: Profile, source = `input ${this.added + 1}`): void {
    this.added++
    if (this.added === 1) {
      this.only = { profile, source }
      return
    }
    if (this.only) {
      const first = this.only
      this.only = undefined
      this.sums = new Sums(first.profile, first.source, this.options)
      this.sums.add(first.profile, first.source)
    }
    this.sums!.add(profile, source)
  }

  /** The merged profile (the input itself when there was one). */
  result(): Profile {
    if (this.only) return this.only.profile
    if (!this.sums) throw new ProfconvError('profile', 'nothing to merge')
    return this.sums.result()
  }
}

/** Merges `profiles` in order (see {@link ProfileMerger}); one profile comes back as it is. */
export function mergeProfiles(profiles: readonly Profile[], options?: MergeOptions): Profile {
  const merger = new ProfileMerger(options)
  for (const profile of profiles) merger.add(profile)
  return merger.result()
}

/** The running result of two or more inputs. */
class Sums {
  private readonly metrics: Metric[] = []
  private readonly metricSource: string[] = []
  private readonly defaultMetric: number
  private readonly frames = new FrameTable()
  private samples: SampleSums | undefined
  private graph: GraphSums | undefined
  /** Position detail, in graph mode once an input has some (samples keep theirs in the tree). */
  private positions: PositionSums | undefined
  private readonly kind: string
  private readonly meta: MetaSums

  constructor(
    first: Profile,
    private readonly firstSource: string,
    private readonly options: MergeOptions,
  ) {
    this.kind = kindOf(first)
    first.metrics.forEach((m) => {
      this.metrics.push({ ...m })
      this.metricSource.push(firstSource)
    })
    this.defaultMetric = first.defaultMetric
    this.meta = new MetaSums(first.meta)
    if (first.samples) this.samples = new SampleSums(this.metrics.length)
    else this.graph = new GraphSums(this.metrics.length)
  }

  add(profile: Profile, source: string): void {
    if (this.options.sameKind && kindOf(profile) !== this.kind) {
      throw new ProfconvError(
        'profconv',
        `cannot merge profiles of different kinds: ${this.firstSource} has ${this.kind}, ${source} has ${kindOf(profile)}`,
      )
    }
    const maps: InputMaps = {
      frames: Int32Array.from(profile.frames.frames, (f) => this.frames.intern(f)),
      metrics: Int32Array.from(profile.metrics, (m) => this.metricIndex(m, source)),
    }
    if (this.samples && !profile.samples) this.toGraph()
    if (this.samples) {
      const nodes = this.samples.add(profile.samples!, maps)
      this.addExtras(profile, source, { ...maps, nodes })
      return
    }
    const graph = graphOf(profile)
    const detail = positionsOf(profile)
    // The first input with position detail: the inputs before it count at unknown positions.
    if (detail && !this.positions) this.startPositions(this.graph!.result(this.metrics.length))
    this.graph!.add(graph, profile.metrics.length, maps)
    this.addExtras(profile, source, maps, graph, detail)
  }

  /**
   * Everything of an input beyond frames, stacks and call graph, merged with the input's id
   * maps: meta, and position detail when the result is a call graph (in samples it is in the
   * stack tree). This is the one place per-input extras join.
   */
  private addExtras(
    profile: Profile,
    source: string,
    maps: InputMaps,
    graph?: CallGraph,
    detail?: ReturnType<typeof positionsOf>,
  ): void {
    this.positions?.add(detail, graph, maps.frames, maps.metrics)
    this.meta.add(profile.meta, maps.metrics, source)
  }

  private metricIndex(metric: Metric, source: string): number {
    const at = this.metrics.findIndex((m) => m.name === metric.name)
    if (at >= 0) {
      if (this.metrics[at].unit !== metric.unit) {
        throw new ProfconvError(
          'profconv',
          `cannot merge metric '${metric.name}' in ${this.metrics[at].unit} (${this.metricSource[at]}) with one in ${metric.unit} (${source})`,
        )
      }
      return at
    }
    this.metrics.push({ ...metric })
    this.metricSource.push(source)
    this.samples?.addMetric()
    this.graph?.addMetric()
    this.positions?.addMetric()
    return this.metrics.length - 1
  }

  /** From samples to a call graph, for an input that has no samples. Exact. */
  private toGraph(): void {
    const sofar = this.profile({ samples: this.samples!.result() })
    const graph = graphOf(sofar)
    this.graph = new GraphSums(this.metrics.length)
    this.graph.add(graph, this.metrics.length, this.identityMaps())
    this.samples = undefined
    const detail = positionsOf(sofar)
    if (detail) {
      this.positions = new PositionSums(this.metrics.length, (f) => this.frames.get(f).file)
      this.positions.add(detail, graph, this.identityMaps().frames, this.identityMaps().metrics)
    }
  }

  /** Position sums from now on, the graph so far counted at unknown positions. */
  private startPositions(sofar: CallGraph): void {
    this.positions = new PositionSums(this.metrics.length, (f) => this.frames.get(f).file)
    const { frames, metrics } = this.identityMaps()
    this.positions.add(undefined, sofar, frames, metrics)
  }

  private identityMaps(): InputMaps {
    const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i)
    return { frames: identity(this.frames.length), metrics: identity(this.metrics.length) }
  }

  result(): Profile {
    if (this.samples) return this.profile({ samples: this.samples.result() })
    const profile = this.profile({ graph: this.graph!.result(this.metrics.length) })
    if (this.positions) profile.positions = this.positions.result()
    return profile
  }

  private profile(view: { samples?: Samples; graph?: CallGraph }): Profile {
    return {
      metrics: this.metrics.map((m) => ({ ...m })),
      defaultMetric: this.defaultMetric,
      frames: this.frames,
      ...view,
      meta: this.meta.result(this.metrics.length),
    }
  }
}

/** A call graph summed per function and per caller→callee pair, in columns. */
class GraphSums {
  /** Node of each result frame + 1; 0 for none yet. */
  private nodeOf = new Int32Array(1024)
  private readonly nodeFrames: number[] = []
  private readonly self: Column[] = []
  private readonly total: Column[] = []
  private readonly calls = new Column(NaN)
  private readonly primitiveCalls = new Column(NaN)
  private readonly edges = new PairIndex()
  private readonly edgeTotal: Column[] = []
  private readonly edgeSelf: Column[] = []
  private readonly edgeCalls = new Column(NaN)
  private readonly edgePrimitiveCalls = new Column(NaN)
  private estimated = false

  constructor(metricCount: number) {
    for (let m = 0; m < metricCount; m++) this.addMetric()
  }

  addMetric(): void {
    this.self.push(new Column(0))
    this.total.push(new Column(0))
    this.edgeTotal.push(new Column(0))
    this.edgeSelf.push(new Column(NaN))
  }

  add(graph: CallGraph, metricCount: number, maps: InputMaps): void {
    this.estimated ||= graph.edgeCostsEstimated === true
    const M = metricCount
    const to = maps.metrics
    for (const node of graph.nodes) {
      const g = this.node(maps.frames[node.frame])
      for (let m = 0; m < M; m++) {
        this.self[to[m]].add(g, node.self[m] ?? 0)
        this.total[to[m]].add(g, node.total[m] ?? 0)
      }
      this.calls.addKnown(g, node.calls ?? NaN)
      this.primitiveCalls.addKnown(g, node.primitiveCalls ?? NaN)
    }
    const edges = edgeColumns(graph, M)
    for (let i = 0; i < edges.length; i++) {
      const caller = maps.frames[edges.caller[i]]
      const callee = maps.frames[edges.callee[i]]
      this.node(caller)
      this.node(callee)
      const e = this.edges.id(caller, callee)
      for (let m = 0; m < M; m++) {
        const total = edges.total[i * M + m]
        this.edgeTotal[to[m]].add(e, Number.isNaN(total) ? 0 : total)
        this.edgeSelf[to[m]].addKnown(e, edges.self[i * M + m])
      }
      this.edgeCalls.addKnown(e, edges.calls[i])
      this.edgePrimitiveCalls.addKnown(e, edges.primitiveCalls[i])
    }
  }

  private node(frame: number): number {
    if (frame >= this.nodeOf.length) {
      const grown = new Int32Array(Math.max(frame + 1, this.nodeOf.length * 2))
      grown.set(this.nodeOf)
      this.nodeOf = grown
    }
    if (this.nodeOf[frame] === 0) this.nodeOf[frame] = this.nodeFrames.push(frame)
    return this.nodeOf[frame] - 1
  }

  result(metricCount: number): CallGraph {
    const M = metricCount
    const row = (columns: Column[], i: number) => columns.map((c) => c.at(i))
    const nodes = this.nodeFrames.map((frame, g): GraphNode => {
      const node: GraphNode = { frame, self: row(this.self, g), total: row(this.total, g) }
      const calls = this.calls.at(g)
      const primitive = this.primitiveCalls.at(g)
      if (!Number.isNaN(calls)) node.calls = calls
      if (!Number.isNaN(primitive)) node.primitiveCalls = primitive
      return node
    })
    const n = this.edges.length
    const edges = newEdgeColumns(n, M)
    for (let e = 0; e < n; e++) {
      edges.caller[e] = this.edges.first(e)
      edges.callee[e] = this.edges.second(e)
      const hasSelf = this.edgeSelf.some((c) => !Number.isNaN(c.at(e)))
      for (let m = 0; m < M; m++) {
        edges.total[e * M + m] = this.edgeTotal[m].at(e)
        if (hasSelf) edges.self[e * M + m] = this.edgeSelf[m].at(e) || 0
      }
      edges.calls[e] = this.edgeCalls.at(e)
      edges.primitiveCalls[e] = this.edgePrimitiveCalls.at(e)
    }
    return columnGraph(nodes, edges, this.estimated)
  }
}

/** Metric names and units in order: what `sameKind` compares. */
function kindOf(profile: Profile): string {
  return profile.metrics.map((m) => `${m.name} (${m.unit})`).join(', ')
}

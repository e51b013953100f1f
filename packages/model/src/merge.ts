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
import { PositionSums, treeNodeMapper } from './position-merge.js'
import type { Mapping, Profile, ProfileMeta } from './profile.js'
import type { Label, Samples } from './samples.js'
import { StackTree } from './stack-tree.js'

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
  private readonly meta: ProfileMeta
  private readonly comments = new Set<string>()
  private readonly notes = new Set<string>()
  private periodSource = ''
  private readonly mappingKeys = new Set<string>()
  private periodsDiffer = false
  /** Sum of the stated totals (`meta.totals`) while every input states them. */
  private totals: number[] | undefined = []

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
    // Name and format from the first input; the rest is summed as inputs come (addExtras).
    this.meta = { ...first.meta, comments: [], notes: [] }
    delete this.meta.startTime
    delete this.meta.duration
    delete this.meta.period
    delete this.meta.totals
    delete this.meta.mappings
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
    const meta = profile.meta
    for (const c of meta.comments) this.comments.add(c)
    for (const n of meta.notes) this.notes.add(n)
    if (meta.startTime !== undefined)
      this.meta.startTime = Math.min(meta.startTime, this.meta.startTime ?? Infinity)
    if (meta.duration !== undefined) this.meta.duration = (this.meta.duration ?? 0) + meta.duration
    if (meta.period) this.addPeriod(meta.period, source)
    for (const m of meta.mappings ?? []) this.addMapping(m)
    // Stated totals add up while every input states them; one without drops them.
    if (this.totals && meta.totals?.length === profile.metrics.length) {
      meta.totals.forEach((v, m) => {
        const to = maps.metrics[m]
        this.totals![to] = (this.totals![to] ?? 0) + v
      })
    } else this.totals = undefined
  }

  /** Each distinct mapping once (inputs from one binary list the same ones). */
  private addMapping(m: Mapping): void {
    const key = `${m.file}\u0000${m.start}\u0000${m.limit}\u0000${m.offset}\u0000${m.buildId ?? ''}`
    if (this.mappingKeys.has(key)) return
    this.mappingKeys.add(key)
    ;(this.meta.mappings ??= []).push(m)
  }

  /** Periods of one metric agree; of different values the largest is kept, as go tool pprof does. */
  private addPeriod(period: NonNullable<ProfileMeta['period']>, source: string): void {
    const mine = this.meta.period
    if (!mine) {
      this.meta.period = { metric: { ...period.metric }, value: period.value }
      this.periodSource = source
      return
    }
    if (mine.metric.name !== period.metric.name || mine.metric.unit !== period.metric.unit) {
      throw new ProfconvError(
        'profconv',
        `cannot merge profiles sampled by different measures: ${this.periodSource} takes a sample every ${mine.value} ${mine.metric.unit} of ${mine.metric.name}, ${source} every ${period.value} ${period.metric.unit} of ${period.metric.name}`,
      )
    }
    if (period.value !== mine.value) {
      this.periodsDiffer = true
      if (period.value > mine.value) mine.value = period.value
    }
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
    const notes = [...this.notes]
    const period = this.meta.period
    if (this.periodsDiffer && period)
      notes.push(
        `the inputs were sampled at different periods; the merged profile records the largest, ${period.value} ${period.metric.unit} of ${period.metric.name}, as go tool pprof does`,
      )
    return {
      metrics: this.metrics.map((m) => ({ ...m })),
      defaultMetric: this.defaultMetric,
      frames: this.frames,
      ...view,
      meta: {
        ...this.meta,
        period: period && { metric: { ...period.metric }, value: period.value },
        ...(this.totals && {
          totals: Array.from(this.metrics, (_, m) => this.totals![m] ?? 0),
        }),
        comments: [...this.comments],
        notes,
      },
    }
  }
}

/** Samples summed per stack and label set, into one stack tree. */
class SampleSums {
  private readonly tree = new StackTree()
  /** (node + 1, label set) → sample id. */
  private readonly keys = new PairIndex()
  private readonly values: Column[] = []
  /** Label sets by id; 0 is none. */
  private readonly labelSets: (readonly Label[] | undefined)[] = [undefined]
  private readonly labelIds = new Map<string, number>()

  constructor(metricCount: number) {
    for (let m = 0; m < metricCount; m++) this.addMetric()
  }

  addMetric(): void {
    this.values.push(new Column(0))
  }

  /** Adds every sample; returns the result node of each input node. */
  add(samples: Samples, maps: InputMaps): Int32Array {
    // Every node, in id order (parents first): lines, files and addresses are kept.
    const map = treeNodeMapper(samples.tree, this.tree, maps.frames)
    const nodes = new Int32Array(samples.tree.length)
    for (let n = 0; n < nodes.length; n++) nodes[n] = map(n)
    const labelCache = new Map<readonly Label[], number>()
    const columns = Array.from(maps.metrics, (m) => this.values[m])
    const { stack, values, labels } = samples
    for (let i = 0; i < stack.length; i++) {
      const node = stack[i] < 0 ? -1 : nodes[stack[i]]
      const set = labels?.[i]?.length ? this.labelSet(labels[i]!, labelCache) : 0
      const id = this.keys.id(node + 1, set)
      for (let m = 0; m < columns.length; m++) columns[m].add(id, values[m][i])
    }
    return nodes
  }

  private labelSet(labels: readonly Label[], cache: Map<readonly Label[], number>): number {
    let id = cache.get(labels)
    if (id === undefined) {
      const key = labels
        .map((l) => `${l.key}\u0000${l.str ?? ''}\u0000${l.num ?? ''}\u0000${l.unit ?? ''}`)
        .join('\u0001')
      id = this.labelIds.get(key)
      if (id === undefined) {
        id = this.labelSets.push(labels) - 1
        this.labelIds.set(key, id)
      }
      cache.set(labels, id)
    }
    return id
  }

  result(): Samples {
    const n = this.keys.length
    const stack = new Int32Array(n)
    let labelled = false
    for (let id = 0; id < n; id++) {
      stack[id] = this.keys.first(id) - 1
      labelled ||= this.keys.second(id) !== 0
    }
    const samples: { -readonly [K in keyof Samples]: Samples[K] } = {
      tree: this.tree,
      stack,
      values: this.values.map((c) => c.slice(n)),
    }
    if (labelled)
      samples.labels = Array.from({ length: n }, (_, id) => this.labelSets[this.keys.second(id)])
    return samples
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

/** Sums by id in a Float64Array that grows by doubling; `empty` (0, or NaN for unknown) where nothing was added. */
class Column {
  private data = new Float64Array(1024)

  constructor(private readonly empty: number) {
    if (empty !== 0) this.data.fill(empty)
  }

  at(i: number): number {
    return i < this.data.length ? this.data[i] : this.empty
  }

  add(i: number, value: number): void {
    if (i >= this.data.length) this.grow(i)
    this.data[i] += value
  }

  /** Adds a value that may be unknown (NaN): unknown plus known is the known one. */
  addKnown(i: number, value: number): void {
    if (Number.isNaN(value)) return
    if (i >= this.data.length) this.grow(i)
    const old = this.data[i]
    this.data[i] = Number.isNaN(old) ? value : old + value
  }

  /** The first `n` sums (a copy). */
  slice(n: number): Float64Array {
    const out = new Float64Array(n)
    out.set(this.data.subarray(0, Math.min(n, this.data.length)))
    if (this.empty !== 0 && n > this.data.length) out.fill(this.empty, this.data.length)
    return out
  }

  private grow(i: number): void {
    const data = new Float64Array(Math.max(i + 1, this.data.length * 2))
    data.set(this.data)
    if (this.empty !== 0) data.fill(this.empty, this.data.length)
    this.data = data
  }
}

/** Metric names and units in order: what `sameKind` compares. */
function kindOf(profile: Profile): string {
  return profile.metrics.map((m) => `${m.name} (${m.unit})`).join(', ')
}

import { PairIndex } from './derive.js'
import { ProfconvError } from './error.js'
import type { InputMaps } from './merge.js'
import { treeNodeMapper } from './position-merge.js'
import type { Mapping, ProfileMeta } from './profile.js'
import type { Label, Samples } from './samples.js'
import { StackTree } from './stack-tree.js'

// The sums a merge keeps (see merge.ts), for readers that fold their inputs straight into them.

/** Samples summed per stack and label set, into one stack tree. */
export class SampleSums {
  /** The merged stacks: callers add their samples' nodes here. */
  readonly tree = new StackTree()
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

  /**
   * Adds one sample of `tree` node `node` (-1: empty stack) and label set `set` (`labelSetId`,
   * 0 for none); its values are `values[at..]`, in the result's metric order.
   */
  addSample(node: number, set: number, values: ArrayLike<number>, at = 0): void {
    const id = this.keys.id(node + 1, set)
    for (let m = 0; m < this.values.length; m++) this.values[m].add(id, values[at + m])
  }

  /** The id of a label set, equal sets (by content) one id; 0 is none. */
  labelSetId(labels: readonly Label[]): number {
    if (labels.length === 0) return 0
    const key = labels
      .map((l) => `${l.key}\u0000${l.str ?? ''}\u0000${l.num ?? ''}\u0000${l.unit ?? ''}`)
      .join('\u0001')
    let id = this.labelIds.get(key)
    if (id === undefined) {
      id = this.labelSets.push(labels) - 1
      this.labelIds.set(key, id)
    }
    return id
  }

  private labelSet(labels: readonly Label[], cache: Map<readonly Label[], number>): number {
    let id = cache.get(labels)
    if (id === undefined) {
      id = this.labelSetId(labels)
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

/** Sums by id in a Float64Array that grows by doubling; `empty` (0, or NaN for unknown) where nothing was added. */
export class Column {
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

/**
 * The meta of merged profiles: name and format from the first, durations added up, the earliest
 * start, each comment, note and mapping once, one sampling period (the largest, with a note, when
 * they differ; a period of another measure is refused), stated totals summed while every input
 * states them.
 */
export class MetaSums {
  private readonly meta: ProfileMeta
  private readonly comments = new Set<string>()
  private readonly notes = new Set<string>()
  private periodSource = ''
  private readonly mappingKeys = new Set<string>()
  private periodsDiffer = false
  /** Sum of the stated totals (`meta.totals`) while every input states them. */
  private totals: number[] | undefined = []

  constructor(first: ProfileMeta) {
    // Name and format from the first input; the rest is summed as inputs come (add).
    this.meta = { ...first, comments: [], notes: [] }
    delete this.meta.startTime
    delete this.meta.duration
    delete this.meta.period
    delete this.meta.totals
    delete this.meta.mappings
  }

  /**
   * Adds an input's meta; its metric `m` is the result's `metrics[m]`. `source` names it in
   * errors.
   */
  add(meta: ProfileMeta, metrics: ArrayLike<number>, source: string): void {
    for (const c of meta.comments) this.comments.add(c)
    for (const n of meta.notes) this.notes.add(n)
    if (meta.startTime !== undefined)
      this.meta.startTime = Math.min(meta.startTime, this.meta.startTime ?? Infinity)
    if (meta.duration !== undefined) this.meta.duration = (this.meta.duration ?? 0) + meta.duration
    if (meta.period) this.addPeriod(meta.period, source)
    for (const m of meta.mappings ?? []) this.addMapping(m)
    // Stated totals add up while every input states them; one without drops them.
    if (this.totals && meta.totals?.length === metrics.length) {
      meta.totals.forEach((v, m) => {
        const to = metrics[m]
        this.totals![to] = (this.totals![to] ?? 0) + v
      })
    } else this.totals = undefined
  }

  /** The merged meta, for a result of `metricCount` metrics. */
  result(metricCount: number): ProfileMeta {
    const notes = [...this.notes]
    const period = this.meta.period
    if (this.periodsDiffer && period)
      notes.push(
        `the inputs were sampled at different periods; the merged profile records the largest, ${period.value} ${period.metric.unit} of ${period.metric.name}, as go tool pprof does`,
      )
    return {
      ...this.meta,
      period: period && { metric: { ...period.metric }, value: period.value },
      ...(this.totals && {
        totals: Array.from({ length: metricCount }, (_, m) => this.totals![m] ?? 0),
      }),
      comments: [...this.comments],
      notes,
    }
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
}

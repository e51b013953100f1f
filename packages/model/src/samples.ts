import { StackTree } from './stack-tree.js'

/** A pprof-style label: a string or a number (with an optional unit). */
export interface Label {
  readonly key: string
  readonly str?: string
  readonly num?: number
  readonly unit?: string
}

/** The sample view: weighted call stacks, one value per metric, in columns. */
export interface Samples {
  readonly tree: StackTree
  /** Leaf node of each sample in `tree`; -1 for an empty stack. */
  readonly stack: Int32Array
  /** `values[m][i]` is metric m of sample i. */
  readonly values: Float64Array[]
  /** Labels of each sample, where the format has them. */
  readonly labels?: readonly (readonly Label[] | undefined)[]
  /** Time of each sample in nanoseconds since the profile start, where the format has it. */
  readonly time?: Float64Array
}

/**
 * The samples without a stack (leaf -1: austin's threads without Python frames, pprof samples
 * without locations): how many carry a non-zero value of metric `m`, and their cost per metric.
 * No function holds this cost, but it is part of the profile's total (pprof's `N total` counts it).
 */
export function stacklessCost(samples: Samples, m: number): { count: number; cost: number[] } {
  const cost = new Array<number>(samples.values.length).fill(0)
  let count = 0
  for (let i = 0; i < samples.stack.length; i++) {
    if (samples.stack[i] >= 0) continue
    if (samples.values[m][i] !== 0) count++
    for (let k = 0; k < cost.length; k++) cost[k] += samples.values[k][i]
  }
  return { count, cost }
}

/** Collects samples into columns that grow by doubling. */
export class SamplesBuilder {
  readonly tree: StackTree
  private count = 0
  private stacks = new Int32Array(64)
  private columns: Float64Array[]
  private times: Float64Array | undefined
  private labelList: (readonly Label[] | undefined)[] | undefined

  constructor(metricCount: number, tree: StackTree = new StackTree()) {
    this.tree = tree
    this.columns = Array.from({ length: metricCount }, () => new Float64Array(64))
  }

  get length(): number {
    return this.count
  }

  /** Adds a sample whose stack is given root first as frame ids. */
  addStack(
    stack: ArrayLike<number>,
    values: ArrayLike<number>,
    labels?: readonly Label[],
    time?: number,
  ): void {
    this.add(this.tree.insert(stack), values, labels, time)
  }

  /** Adds a sample whose leaf is `node` of `tree`. */
  add(node: number, values: ArrayLike<number>, labels?: readonly Label[], time?: number): void {
    const i = this.count++
    if (i === this.stacks.length) this.grow()
    this.stacks[i] = node
    for (let m = 0; m < this.columns.length; m++) this.columns[m][i] = values[m] ?? 0
    if (labels && labels.length > 0) {
      this.labelList ??= []
      this.labelList[i] = labels
    }
    if (time !== undefined) {
      this.times ??= new Float64Array(this.stacks.length).fill(NaN)
      this.times[i] = time
    }
  }

  finish(): Samples {
    const n = this.count
    const samples: { -readonly [K in keyof Samples]: Samples[K] } = {
      tree: this.tree,
      stack: this.stacks.slice(0, n),
      values: this.columns.map((c) => c.slice(0, n)),
    }
    if (this.labelList) {
      this.labelList.length = n
      samples.labels = this.labelList
    }
    if (this.times) samples.time = this.times.slice(0, n)
    return samples
  }

  private grow(): void {
    const size = this.stacks.length * 2
    this.stacks = resized(this.stacks, size)
    this.columns = this.columns.map((c) => resized(c, size))
    if (this.times) this.times = resized(this.times, size).fill(NaN, this.times.length)
  }
}

function resized<T extends Int32Array | Float64Array>(a: T, size: number): T {
  const out = new (a.constructor as new (n: number) => T)(size)
  out.set(a)
  return out
}

import { frameText, type Profile } from '@profconv/model'

/**
 * The stacks of a flame graph as a tree in columns: node 0 is the root (`all`), every other
 * node is a frame label under its parent. Siblings with one label are one node, as flamegraph.pl
 * merges equal lines of folded stacks: two frames that print the same (`name (file:line)`) are
 * one box. A child's id is always greater than its parent's.
 */
export interface FlameTree {
  readonly length: number
  readonly parent: Int32Array
  /** Index into `labels` of each node; -1 for the root. */
  readonly label: Int32Array
  /** Inclusive value of each node, per column (column 0 the drawn profile, 1 the base). */
  readonly value: Float64Array[]
  /** Frame text of each label (`name (file:line)`, the folded writer's text). */
  readonly labels: string[]
  /** A frame id of this profile per label, for colouring by module or language; -1 for none. */
  readonly frameOf: Int32Array
}

/** One profile's samples to add: which metric column, and how to scale its values. */
export interface FlameInput {
  profile: Profile
  metric: number
  scale?: number
}

/**
 * Builds the tree of `inputs` (each in its own value column, one shared node set), root first,
 * or leaf first when `reverse` (bottom-up: stacks merged by their leaf). Samples with negative
 * or non-finite values are left out and counted in `skipped`.
 */
export function buildTree(
  inputs: readonly FlameInput[],
  reverse: boolean,
): { tree: FlameTree; skipped: number } {
  const builder = new TreeBuilder(inputs.length)
  let skipped = 0
  inputs.forEach((input, column) => {
    const samples = input.profile.samples
    if (!samples) return
    const labelOf = builder.labelsOf(input.profile, column === 0)
    const tree = samples.tree
    const { parent, frame } = tree.columns()
    // Self value of each stack-tree node for the chosen metric.
    const self = new Float64Array(tree.length)
    const values = samples.values[input.metric]
    const scale = input.scale ?? 1
    let rootSelf = 0
    for (let i = 0; i < samples.stack.length; i++) {
      const v = values[i] * scale
      if (!(v >= 0) || v === Infinity) {
        skipped++
        continue
      }
      const node = samples.stack[i]
      if (node < 0) rootSelf += v
      else self[node] += v
    }
    builder.addSelf(0, column, rootSelf)
    if (!reverse) {
      const mapped = new Int32Array(tree.length)
      for (let n = 0; n < tree.length; n++) {
        const up = parent[n] < 0 ? 0 : mapped[parent[n]]
        mapped[n] = builder.child(up, labelOf[frame[n]])
        builder.addSelf(mapped[n], column, self[n])
      }
    } else {
      for (let n = 0; n < tree.length; n++) {
        if (self[n] === 0) continue
        let at = 0
        for (let up = n; up >= 0; up = parent[up]) at = builder.child(at, labelOf[frame[up]])
        builder.addSelf(at, column, self[n])
      }
    }
  })
  return { tree: builder.finish(), skipped }
}

class TreeBuilder {
  private parents = new Int32Array(1024)
  private labelIds = new Int32Array(1024)
  private columns: Float64Array[]
  private count = 1
  private readonly children = new Map<number, number>()
  private readonly labelIndex = new Map<string, number>()
  readonly labels: string[] = []
  private frameOf: number[] = []

  constructor(columnCount: number) {
    this.columns = Array.from({ length: columnCount }, () => new Float64Array(1024))
    this.parents[0] = -1
    this.labelIds[0] = -1
  }

  /** The label id of each frame of `profile` (its frame text, interned). */
  labelsOf(profile: Profile, own: boolean): Int32Array {
    const frames = profile.frames.frames
    const out = new Int32Array(frames.length)
    for (let f = 0; f < frames.length; f++) {
      const text = frameText(frames[f])
      let id = this.labelIndex.get(text)
      if (id === undefined) {
        id = this.labels.push(text) - 1
        this.labelIndex.set(text, id)
        this.frameOf.push(own ? f : -1)
      } else if (own && this.frameOf[id] < 0) {
        this.frameOf[id] = f
      }
      out[f] = id
    }
    return out
  }

  child(parent: number, label: number): number {
    // parent < 2^31 and label < 2^31: the key stays an exact integer below 2^53.
    const key = parent * 2147483648 + label
    let node = this.children.get(key)
    if (node === undefined) {
      node = this.count++
      if (node === this.parents.length) this.grow()
      this.parents[node] = parent
      this.labelIds[node] = label
      this.children.set(key, node)
    }
    return node
  }

  addSelf(node: number, column: number, value: number): void {
    this.columns[column][node] += value
  }

  finish(): FlameTree {
    const n = this.count
    const value = this.columns.map((c) => c.slice(0, n))
    const parent = this.parents.slice(0, n)
    // Children come after their parents: one backward pass makes self values inclusive.
    for (const column of value) for (let i = n - 1; i > 0; i--) column[parent[i]] += column[i]
    return {
      length: n,
      parent,
      label: this.labelIds.slice(0, n),
      value,
      labels: this.labels,
      frameOf: Int32Array.from(this.frameOf),
    }
  }

  private grow(): void {
    const size = this.parents.length * 2
    const grown = <T extends Int32Array | Float64Array>(a: T): T => {
      const out = new (a.constructor as new (n: number) => T)(size)
      out.set(a)
      return out
    }
    this.parents = grown(this.parents)
    this.labelIds = grown(this.labelIds)
    this.columns = this.columns.map(grown)
  }
}

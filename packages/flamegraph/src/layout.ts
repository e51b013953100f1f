import type { FlameTree } from './tree.js'

/** One box to draw: a tree node (or, with `merged` > 0, that many narrow children of one parent). */
export interface Box {
  /** Tree node; for a merged box, the parent whose narrow children it stands for. */
  readonly node: number
  /** Start, in the metric's unit from the left edge of the root. */
  readonly x: number
  readonly value: number
  /** The base profile's value at the same place (differential graphs), else 0. */
  readonly base: number
  readonly depth: number
  /** Number of children merged into this box; 0 for a box of one function. */
  readonly merged: number
}

/**
 * The boxes of `tree`, parents before children, siblings ordered by label (as flamegraph.pl
 * orders sorted folded stacks). Children narrower than `minValue` are merged into one box after
 * their wider siblings, drawn only when the merged box reaches `minValue`; what is under a
 * merged box is not drawn. The root is drawn when the total is positive.
 */
export function layout(tree: FlameTree, minValue: number): Box[] {
  const n = tree.length
  const value = tree.value[0]
  const base = tree.value[1]
  if (!(value[0] > 0)) return []
  // Children of each node in label order, in one array (offsets per parent).
  const rank = labelRanks(tree.labels)
  const counts = new Int32Array(n + 1)
  for (let i = 1; i < n; i++) counts[tree.parent[i] + 1]++
  for (let i = 0; i < n; i++) counts[i + 1] += counts[i]
  const children = new Int32Array(Math.max(0, n - 1))
  const fill = counts.slice(0, n)
  for (let i = 1; i < n; i++) children[fill[tree.parent[i]]++] = i
  for (let p = 0; p < n; p++) {
    if (counts[p + 1] - counts[p] > 1)
      children
        .subarray(counts[p], counts[p + 1])
        .sort((a, b) => rank[tree.label[a]] - rank[tree.label[b]])
  }

  const boxes: Box[] = []
  const stack: { node: number; x: number; depth: number }[] = [{ node: 0, x: 0, depth: 0 }]
  while (stack.length > 0) {
    const { node, x, depth } = stack.pop()!
    boxes.push({ node, x, value: value[node], base: base ? base[node] : 0, depth, merged: 0 })
    let at = x
    let narrow = 0
    let narrowValue = 0
    let narrowBase = 0
    const start = stack.length
    for (let k = counts[node]; k < counts[node + 1]; k++) {
      const child = children[k]
      const v = value[child]
      if (!(v > 0)) continue
      if (v >= minValue) {
        stack.push({ node: child, x: at, depth: depth + 1 })
        at += v
      } else {
        narrow++
        narrowValue += v
        if (base) narrowBase += base[child]
      }
    }
    // Visit the children left to right: the stack pops the last pushed first.
    for (let i = start, j = stack.length - 1; i < j; i++, j--) {
      const t = stack[i]
      stack[i] = stack[j]
      stack[j] = t
    }
    if (narrow > 0 && narrowValue >= minValue) {
      boxes.push({
        node,
        x: at,
        value: narrowValue,
        base: narrowBase,
        depth: depth + 1,
        merged: narrow,
      })
    }
  }
  return boxes
}

/** Position of each label in code-unit order (the order of `sort` on folded lines). */
function labelRanks(labels: readonly string[]): Int32Array {
  const order = labels
    .map((_, i) => i)
    .sort((a, b) => (labels[a] < labels[b] ? -1 : labels[a] > labels[b] ? 1 : 0))
  const rank = new Int32Array(labels.length)
  order.forEach((label, i) => (rank[label] = i))
  return rank
}

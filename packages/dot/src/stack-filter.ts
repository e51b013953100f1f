import { SamplesBuilder, StackTree, type FrameTable, type Samples } from '@profconv/model'

/**
 * pprof's sample filters. Each regex is tried on a frame's name, file and module.
 * - `focus`: keep only samples with a matching frame on their stack;
 * - `ignore`: drop samples with a matching frame on their stack;
 * - `hide`: take matching frames out of every stack (their cost stays with their callers);
 * - `show`: keep only matching frames in every stack (the inverse of `hide`);
 * - `keep`: keep only these frame ids in every stack (`--node-count`).
 */
export interface StackFilters {
  focus?: readonly RegExp[]
  ignore?: readonly RegExp[]
  hide?: readonly RegExp[]
  show?: readonly RegExp[]
  keep?: ReadonlySet<number>
}

/** Filtered samples, and the caller→callee pairs (`"a,b"`) that skip removed frames. */
export interface FilteredStacks {
  samples: Samples
  residual: Set<string>
}

/**
 * Applies `filters` to every stack, exactly: sample values are kept whole or dropped whole, and
 * removing a frame joins its caller to its callees (those links are reported as residual).
 */
export function filterStacks(
  samples: Samples,
  frames: FrameTable,
  filters: StackFilters,
): FilteredStacks {
  const { parent, frame } = samples.tree.columns()
  const n = parent.length
  const matcher = (regexes: readonly RegExp[] | undefined) => {
    if (!regexes || regexes.length === 0) return undefined
    const memo = new Map<number, boolean>()
    return (id: number) => {
      let hit = memo.get(id)
      if (hit === undefined) {
        const f = frames.get(id)
        const texts = [f.name, f.file, f.module].filter((t) => t !== undefined)
        hit = regexes.some((r) => texts.some((t) => r.test(t)))
        memo.set(id, hit)
      }
      return hit
    }
  }
  const focus = matcher(filters.focus)
  const ignore = matcher(filters.ignore)
  const hide = matcher(filters.hide)
  const show = matcher(filters.show)
  const keep = filters.keep

  const removed = new Uint8Array(n)
  const focused = new Uint8Array(n)
  const ignored = new Uint8Array(n)
  // Parents have smaller ids than their children: one forward pass sees every parent first.
  for (let node = 0; node < n; node++) {
    const p = parent[node]
    const f = frame[node]
    focused[node] = (p >= 0 && focused[p]) || (focus?.(f) ?? false) ? 1 : 0
    ignored[node] = (p >= 0 && ignored[p]) || (ignore?.(f) ?? false) ? 1 : 0
    const drop = (hide?.(f) ?? false) || (show ? !show(f) : false) || (keep ? !keep.has(f) : false)
    removed[node] = drop ? 1 : 0
  }

  // The new tree holds only the stacks of kept samples; `mapped` is filled on first use.
  const tree = new StackTree()
  const UNSEEN = -2
  const mapped = new Int32Array(n).fill(UNSEEN)
  const residual = new Set<string>()
  const path: number[] = []
  const mapStack = (leaf: number): number => {
    for (let node = leaf; node >= 0 && mapped[node] === UNSEEN; node = parent[node]) path.push(node)
    while (path.length > 0) {
      const node = path.pop()!
      const p = parent[node]
      const above = p >= 0 ? mapped[p] : -1
      mapped[node] = removed[node] ? above : tree.child(above, frame[node])
      if (!removed[node] && p >= 0 && removed[p] && above >= 0)
        residual.add(`${tree.frame(above)},${frame[node]}`)
    }
    return mapped[leaf]
  }

  const builder = new SamplesBuilder(samples.values.length, tree)
  const values = new Float64Array(samples.values.length)
  for (let i = 0; i < samples.stack.length; i++) {
    const leaf = samples.stack[i]
    if (leaf < 0) continue
    if (focus && !focused[leaf]) continue
    if (ignore && ignored[leaf]) continue
    for (let m = 0; m < values.length; m++) values[m] = samples.values[m][i]
    const node = mapStack(leaf)
    if (node >= 0) builder.add(node, values)
  }
  return { samples: builder.finish(), residual }
}

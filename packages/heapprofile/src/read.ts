import { V8NodeTree, type V8CallFrame } from '@profconv/cpuprofile'
import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  maybeGunzip,
  newMeta,
  parseJson,
  type Profile,
  type ReadOptions,
} from '@profconv/model'

const FORMAT = 'heapprofile'

/** The note every heap profile carries: what its bytes are. */
export const SCALED_NOTE =
  "heapprofile sizes are V8's sampling heap profiler estimates: sampled allocations still live when the profile was taken, scaled up by the sampling interval"

interface HeapNode {
  id?: unknown
  callFrame?: unknown
  selfSize?: unknown
  children?: unknown
}

/**
 * Reads a V8 sampling heap profile (`node --heap-prof`, DevTools' "Allocation sampling",
 * `.heapprofile`): the `head` tree of call paths with `selfSize`, and, in newer files,
 * `samples` (`size`, `nodeId`, `ordinal`). Metric `space` in bytes from each node's `selfSize`
 * (one sample per node with bytes); where `samples` exist, a second metric `objects`: how many
 * sampled allocations each node holds. Frames as in `.cpuprofile` (lines and columns made
 * 1-based, `(root)` left out). The sizes are estimates (noted, see `SCALED_NOTE`).
 */
export function readHeapprofile(bytes: Uint8Array, options: ReadOptions = {}): Profile {
  const json = parseJson(maybeGunzip(bytes, FORMAT, options.maxInputSize), FORMAT)
  if (!isObject(json) || !isObject(json.head)) fail("missing 'head' (the allocation tree)")
  const hasSamples = Array.isArray(json.samples)
  const frames = new FrameTable()
  const builder = new SamplesBuilder(hasSamples ? 2 : 1)
  const tree = new V8NodeTree(FORMAT, frames, builder.tree)

  // The tree, walked without recursion; ids made up where a node has none (old files).
  const selfSize = new Map<number, number>()
  const order: number[] = []
  const pending: [HeapNode, number | undefined][] = [[json.head as HeapNode, undefined]]
  let madeUp = -1
  while (pending.length > 0) {
    const [node, parent] = pending.pop()!
    if (!isObject(node) || !isObject(node.callFrame)) fail('a node needs a callFrame')
    const id = typeof node.id === 'number' ? node.id : madeUp--
    if (selfSize.has(id)) fail(`node id ${id} occurs twice`)
    const size = node.selfSize ?? 0
    if (typeof size !== 'number' || !Number.isFinite(size) || size < 0)
      fail(`node ${id} has a selfSize that is not a byte count`)
    selfSize.set(id, size)
    order.push(id)
    tree.add(id, node.callFrame as V8CallFrame, parent)
    const children = node.children ?? []
    if (!Array.isArray(children)) fail(`node ${id}: children is not an array`)
    for (let k = children.length - 1; k >= 0; k--) pending.push([children[k], id])
  }

  const count = new Map<number, number>()
  let unknown = 0
  if (hasSamples) {
    for (const s of json.samples as unknown[]) {
      if (!isObject(s) || typeof s.nodeId !== 'number') fail('a sample needs a nodeId')
      if (!selfSize.has(s.nodeId)) unknown++
      else count.set(s.nodeId, (count.get(s.nodeId) ?? 0) + 1)
    }
  }
  for (const id of order) {
    const bytes = selfSize.get(id)!
    const objects = count.get(id) ?? 0
    if (bytes === 0 && objects === 0) continue
    builder.add(tree.leaf(id), hasSamples ? [bytes, objects] : [bytes])
  }

  const meta = newMeta(FORMAT)
  meta.notes.push(SCALED_NOTE)
  if (unknown > 0)
    meta.notes.push(`${unknown} heapprofile sample(s) name a node not in the tree: not counted`)
  const metrics = [{ name: 'space', unit: 'bytes' }]
  if (hasSamples) metrics.push({ name: 'objects', unit: 'count' })
  return { metrics, defaultMetric: 0, frames, samples: builder.finish(), meta }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}

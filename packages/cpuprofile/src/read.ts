import {
  ProfconvError,
  FrameTable,
  SamplesBuilder,
  maybeGunzip,
  parseJson,
  newMeta,
  type Frame,
  type Profile,
  type ReadOptions,
} from '@profconv/model'

const FORMAT = 'cpuprofile'

export interface CpuprofileReadOptions extends ReadOptions {
  /** Leave out samples in `(program)`, `(idle)` and `(garbage collector)` (noted). */
  dropSpecialFrames?: boolean
}

/** V8's pseudo-functions for time outside JavaScript. */
export const SPECIAL_FRAMES: readonly string[] = ['(program)', '(idle)', '(garbage collector)']

interface CallFrame {
  functionName?: string
  url?: string
  lineNumber?: number
  columnNumber?: number
}
interface CpuNode {
  id: number
  callFrame: CallFrame
  children?: number[]
  parent?: number
}

/**
 * Reads a Chrome DevTools or `node --cpu-prof` `.cpuprofile` (nodes, samples, timeDeltas in µs).
 * Sample i lasts from its timestamp to the next sample's; the last one until `endTime`. Samples
 * are put in time order first when deltas are negative (noted). Lines and columns become
 * 1-based; `(root)` is left out of stacks; `(program)`, `(idle)` and `(garbage collector)` stay
 * frames unless `dropSpecialFrames`. Metric: `time` in microseconds, with each sample's time.
 */
export function readCpuprofile(bytes: Uint8Array, options: CpuprofileReadOptions = {}): Profile {
  const json = parseJson(maybeGunzip(bytes, FORMAT, options.maxInputSize), FORMAT) as Record<
    string,
    unknown
  >
  if (typeof json !== 'object' || json === null) fail('the file is not a JSON object')
  const { nodes, samples, timeDeltas } = json as {
    nodes: unknown
    samples: unknown
    timeDeltas: unknown
  }
  if (!Array.isArray(nodes)) fail("missing 'nodes'")
  if (!isNumbers(samples)) fail("missing 'samples' (an array of node ids)")
  if (!isNumbers(timeDeltas)) fail("missing 'timeDeltas' (an array of microseconds)")
  if (samples.length !== timeDeltas.length) {
    fail(`${samples.length} samples but ${timeDeltas.length} timeDeltas`)
  }
  const startTime = Number.isFinite(json.startTime) ? (json.startTime as number) : 0

  const byId = new Map<number, CpuNode>()
  nodes.forEach((n: CpuNode, i) => {
    if (
      typeof n !== 'object' ||
      n === null ||
      typeof n.id !== 'number' ||
      typeof n.callFrame !== 'object'
    ) {
      fail(`node ${i} needs an id and a callFrame`)
    }
    byId.set(n.id, n)
  })
  const parentOf = new Map<number, number>()
  for (const n of byId.values()) {
    if (typeof n.parent === 'number') parentOf.set(n.id, n.parent)
    for (const child of n.children ?? []) parentOf.set(child, n.id)
  }

  const frames = new FrameTable()
  const builder = new SamplesBuilder(1)
  const treeNode = new Map<number, number>()
  const chain: number[] = []
  // The stack-tree node of a cpuprofile node, walking up without recursion.
  const nodeOf = (id: number): number => {
    chain.length = 0
    let at: number | undefined = id
    let above = -1
    while (at !== undefined) {
      const known = treeNode.get(at)
      if (known !== undefined) {
        above = known
        break
      }
      chain.push(at)
      if (chain.length > byId.size) fail(`the node tree has a cycle through node ${id}`)
      at = parentOf.get(at)
    }
    for (let k = chain.length - 1; k >= 0; k--) {
      const node = byId.get(chain[k])
      if (!node) fail(`node id ${chain[k]} is not in 'nodes'`)
      const isRoot = !parentOf.has(chain[k]) && node.callFrame.functionName === '(root)'
      if (!isRoot) above = builder.tree.child(above, frames.intern(frameOf(node.callFrame)))
      treeNode.set(chain[k], above)
    }
    return above
  }

  // Timestamps, in time order.
  const n = samples.length
  const times = new Float64Array(n)
  let t = startTime
  let outOfOrder = false
  for (let i = 0; i < n; i++) {
    if (timeDeltas[i] < 0 && i > 0) outOfOrder = true
    times[i] = t += timeDeltas[i]
  }
  // Finite deltas can still sum past the largest double (JSON allows 1e308).
  if (!Number.isFinite(t)) fail('the timeDeltas add up past the largest number')
  const order = Array.from({ length: n }, (_, i) => i)
  if (outOfOrder) order.sort((a, b) => times[a] - times[b] || a - b)
  const endTime = Number.isFinite(json.endTime)
    ? (json.endTime as number)
    : n > 0
      ? times[order[n - 1]]
      : startTime

  const drop = options.dropSpecialFrames === true
  let dropped = 0
  for (let k = 0; k < n; k++) {
    const i = order[k]
    const next = k + 1 < n ? times[order[k + 1]] : Math.max(endTime, times[i])
    const weight = next - times[i]
    if (!Number.isFinite(weight)) fail(`sample ${i} lasts longer than the largest number`)
    const node = byId.get(samples[i])
    if (!node) fail(`sample ${i} names node ${samples[i]}, which is not in 'nodes'`)
    if (drop && SPECIAL_FRAMES.includes(node.callFrame.functionName ?? '')) {
      dropped += weight
      continue
    }
    builder.add(nodeOf(samples[i]), [weight], undefined, (times[i] - startTime) * 1000)
  }

  const meta = newMeta(FORMAT)
  meta.duration = (endTime - startTime) * 1000
  if (outOfOrder)
    meta.notes.push(
      'cpuprofile samples were out of time order (negative timeDeltas) and were sorted',
    )
  if (drop) meta.notes.push(`dropped ${dropped} µs in ${SPECIAL_FRAMES.join(', ')}`)
  return {
    metrics: [{ name: 'time', unit: 'microseconds' }],
    defaultMetric: 0,
    frames,
    samples: builder.finish(),
    meta,
  }
}

function frameOf(c: CallFrame): Frame {
  const frame: { -readonly [K in keyof Frame]: Frame[K] } = {
    name: c.functionName || '(anonymous)',
  }
  if (c.url) frame.file = c.url
  if (typeof c.lineNumber === 'number' && c.lineNumber >= 0) frame.line = c.lineNumber + 1
  if (typeof c.columnNumber === 'number' && c.columnNumber >= 0) frame.column = c.columnNumber + 1
  return frame
}

function isNumbers(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number' && Number.isFinite(v))
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}

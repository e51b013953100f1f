import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  StackTree,
  newMeta,
  type Frame,
  type Metric,
  type Profile,
} from '@profconv/model'

export const FORMAT = 'firefox'

/** 1973-03-03 in milliseconds since the Unix epoch. */
const EPOCH_1973 = 1e11

export function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}

/**
 * The columns of one thread's call stacks, whatever version they came from: the stack table
 * (`prefix` already resolved to an index or -1), the frame table and a way to turn a frame
 * into its function. Indices are checked here, so hostile tables give a ProfconvError.
 */
export interface StackColumns {
  readonly where: string
  readonly stackFrame: ArrayLike<unknown>
  /** Parent stack index of each stack, -1 for a root (or null, as the format writes it). */
  readonly stackPrefix: (i: number) => unknown
  readonly frameCount: number
  /** The function identity of frame `f` as a model frame (cached by the caller's key). */
  readonly funcOf: (f: number) => { key: number; frame: () => Frame }
  /** The 1-based line of frame `f`, 0 when unknown. */
  readonly lineOf: (f: number) => number
}

/**
 * Turns stack indices of the format into nodes of one StackTree, resolving each stack once
 * and only when a sample uses it. Iterative (no recursion on the input's depth); a stack whose
 * prefix chain loops is an error.
 */
export class StackResolver {
  readonly tree = new StackTree()
  readonly frames = new FrameTable()
  private readonly nodes: Int32Array // stack index -> node + 1 (0: not yet resolved)
  private readonly funcIds = new Map<number, number>()
  private readonly pending: number[] = []

  constructor(private readonly columns: StackColumns) {
    this.nodes = new Int32Array(columns.stackFrame.length)
  }

  /** The node of stack `stack` (a sample's stack column value); -1 for null. */
  node(stack: unknown, what: string): number {
    if (stack === null || stack === undefined) return -1
    const c = this.columns
    const count = c.stackFrame.length
    const index = checkIndex(stack, count, `${c.where}, ${what}: stack`)
    if (this.nodes[index] > 0) return this.nodes[index] - 1
    // Walk up to a resolved stack (or a root), then resolve downwards.
    const pending = this.pending
    pending.length = 0
    let at = index
    for (;;) {
      pending.push(at)
      if (pending.length > count) fail(`${c.where}: stack ${index} has a prefix chain that loops`)
      const prefix = c.stackPrefix(at)
      if (prefix === null || prefix === undefined || prefix === -1) {
        at = -1
        break
      }
      at = checkIndex(prefix, count, `${c.where}, stack ${at}: prefix`)
      if (this.nodes[at] > 0) break
    }
    let parent = at < 0 ? -1 : this.nodes[at] - 1
    for (let k = pending.length - 1; k >= 0; k--) {
      const s = pending[k]
      const frame = checkIndex(c.stackFrame[s], c.frameCount, `${c.where}, stack ${s}: frame`)
      parent = this.tree.child(parent, this.funcId(frame), c.lineOf(frame))
      this.nodes[s] = parent + 1
    }
    return parent
  }

  private funcId(frame: number): number {
    const func = this.columns.funcOf(frame)
    let id = this.funcIds.get(func.key)
    if (id === undefined) {
      id = this.frames.intern(func.frame())
      this.funcIds.set(func.key, id)
    }
    return id
  }
}

/** `value` as an index below `count`, or a ProfconvError naming `what`. */
export function checkIndex(value: unknown, count: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= count) {
    fail(`${what} ${JSON.stringify(value)} is out of range (${count} entries)`)
  }
  return value
}

/**
 * The metric of the samples' `threadCPUDelta` column, by `meta.sampleUnits.threadCPUDelta`
 * (`ns`, `µs` or `variable CPU cycles`); undefined when the unit is not given.
 */
export function cpuDeltaMetric(meta: Record<string, unknown>): Metric | undefined {
  const units = meta.sampleUnits
  const unit =
    typeof units === 'object' && units !== null
      ? (units as Record<string, unknown>).threadCPUDelta
      : undefined
  if (unit === 'ns') return { name: 'cpu', unit: 'nanoseconds' }
  if (unit === 'µs') return { name: 'cpu', unit: 'microseconds' }
  if (unit === 'variable CPU cycles') return { name: 'cpu', unit: 'cycles' }
  return undefined
}

/** The threadCPUDelta column as an extra metric, when it has a unit and any value. */
export function cpuDeltaColumn(
  values: unknown[] | undefined,
  metric: Metric | undefined,
): { metric: Metric; values: unknown[] }[] {
  if (!values || !metric || !values.some((v) => v !== null && v !== undefined)) return []
  return [{ metric, values }]
}

/** The metric a weight type reads as. */
export function metricOfWeightType(weightType: unknown, where: string): Metric {
  if (weightType === undefined || weightType === null || weightType === 'samples')
    return { name: 'samples', unit: 'count' }
  if (weightType === 'tracing-ms') return { name: 'time', unit: 'milliseconds' }
  if (weightType === 'bytes') return { name: 'space', unit: 'bytes' }
  return fail(`${where}: unknown weightType ${JSON.stringify(weightType)}`)
}

export interface SampleColumns {
  readonly where: string
  readonly length: number
  readonly stack: ArrayLike<unknown>
  /** Per-sample weight, or undefined/null for 1 each. */
  readonly weight?: ArrayLike<unknown> | null
  /** Per-sample time in ms since the profile's start, where known. */
  readonly time?: ArrayLike<unknown>
  /** True when `time` holds deltas to add up. */
  readonly deltas?: boolean
  readonly metric: Metric
  /** Further per-sample metrics (the CPU time between samples, `threadCPUDelta`); null counts 0. */
  readonly extra?: readonly { readonly metric: Metric; readonly values: ArrayLike<unknown> }[]
}

/**
 * One Profile from a samples table over `resolver`'s stacks. Samples without a stack (null)
 * are left out, as the Firefox Profiler's call tree leaves them out; the count is noted.
 */
export function buildProfile(
  resolver: StackResolver,
  samples: SampleColumns,
  name: string,
  startTime: number | undefined,
  interval: number | undefined,
): Profile {
  const { where, length } = samples
  if (samples.stack.length < length) fail(`${where}: ${length} samples but fewer stacks`)
  const extra = (samples.extra ?? []).filter((e) => e.values.length >= length)
  const builder = new SamplesBuilder(1 + extra.length, resolver.tree)
  const value = new Array<number>(1 + extra.length).fill(0)
  let time = 0
  let first = NaN
  let last = NaN
  let empty = 0
  const times = samples.time && samples.time.length >= length ? samples.time : undefined
  for (let i = 0; i < length; i++) {
    const w = samples.weight ? samples.weight[i] : 1
    if (typeof w !== 'number' || !Number.isFinite(w))
      fail(`${where}, sample ${i}: the weight ${JSON.stringify(w)} is not a finite number`)
    let at: number | undefined
    if (times) {
      const t = times[i]
      if (typeof t !== 'number' || !Number.isFinite(t))
        fail(`${where}, sample ${i}: the time ${JSON.stringify(t)} is not a finite number`)
      time = samples.deltas ? time + t : t
      if (!Number.isFinite(time)) fail(`${where}, sample ${i}: the times add up past a double`)
      at = time
      if (Number.isNaN(first)) first = time
      last = time
    }
    const node = resolver.node(samples.stack[i], `sample ${i}`)
    if (node < 0) {
      empty++
      continue
    }
    value[0] = w
    for (let e = 0; e < extra.length; e++) {
      const v = extra[e].values[i] ?? 0
      if (typeof v !== 'number' || !Number.isFinite(v))
        fail(
          `${where}, sample ${i}: ${extra[e].metric.name} ${JSON.stringify(v)} is not a finite number`,
        )
      value[e + 1] = v
    }
    builder.add(node, value, undefined, at === undefined ? undefined : at * 1e6)
  }
  const meta = newMeta(FORMAT)
  meta.name = name
  // A start before 1973 is no wall-clock time: 0 is what writers put when they know none (the
  // field is required), and Python 3.15 writes its monotonic clock.
  if (startTime !== undefined && Number.isFinite(startTime) && startTime > EPOCH_1973)
    meta.startTime = startTime
  if (!Number.isNaN(first)) meta.duration = (last - first + (interval ?? 0)) * 1e6
  if (interval !== undefined && interval > 0 && samples.metric.unit === 'count') {
    meta.period = { metric: { name: 'time', unit: 'milliseconds' }, value: interval }
  }
  if (empty > 0) {
    meta.notes.push(
      `${name}: ${empty} sample(s) without a stack left out (the Firefox Profiler leaves them out of its call tree too)`,
    )
  }
  return {
    metrics: [samples.metric, ...extra.map((e) => e.metric)],
    defaultMetric: 0,
    frames: resolver.frames,
    samples: builder.finish(),
    meta,
  }
}

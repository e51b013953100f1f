import {
  FrameTable,
  GraphBuilder,
  ProfconvError,
  SamplesBuilder,
  maybeGunzip,
  newMeta,
  parseJson,
  type Frame,
  type Metric,
  type Profile,
  type ReadOptions,
} from '@profconv/model'

export const FORMAT = 'stackprof'

type Json = Record<string, unknown>

/**
 * Reads `stackprof --json` output (Ruby's stackprof, any mode). With raw samples (`raw: true`)
 * each `raw` record (`[height, frame ids root first…, count]`) becomes a sample, weighted
 * `samples` (count) and, by mode: `cpu` microseconds (count × interval), `wall` microseconds
 * (the record's `raw_timestamp_deltas`), `objects` (count, object mode); sample times from
 * `raw_sample_timestamps`. Without raw samples the per-frame aggregates become a call graph
 * (`samples` self, `total_samples` total, `edges` per call).
 */
export function readStackprof(bytes: Uint8Array, options: ReadOptions = {}): Profile[] {
  const file = parseJson(maybeGunzip(bytes, FORMAT, options.maxInputSize), FORMAT)
  if (!isObject(file)) fail('the file is not a JSON object')
  if (typeof file.mode !== 'string') fail("missing 'mode'")
  if (!isObject(file.frames)) fail("missing 'frames'")
  const mode = file.mode
  const interval = typeof file.interval === 'number' ? file.interval : undefined
  if (interval !== undefined && !(Number.isFinite(interval) && interval >= 0)) {
    fail(`interval is not a finite number`)
  }

  const frames = new FrameTable()
  const ids = new Map<string, number>()
  for (const [key, raw] of Object.entries(file.frames)) {
    if (!isObject(raw)) fail(`frame ${key} is not an object`)
    ids.set(key, frames.add(frameOf(raw, key)))
  }
  const frameId = (key: unknown, what: string): number => {
    const id = typeof key === 'number' || typeof key === 'string' ? ids.get(String(key)) : undefined
    if (id === undefined) fail(`${what} names no frame: ${JSON.stringify(key)}`)
    return id
  }

  const metrics: Metric[] = [{ name: 'samples', unit: 'count' }]
  if (mode === 'object') metrics.push({ name: 'objects', unit: 'count' })
  else if (mode === 'cpu' || mode === 'wall') metrics.push({ name: mode, unit: 'microseconds' })
  const meta = newMeta(FORMAT)
  meta.name = `stackprof ${mode}`
  if (interval !== undefined && metrics.length > 1) {
    meta.period = { metric: { ...metrics[1] }, value: mode === 'object' ? 1 : interval }
  }
  const profile = { metrics, defaultMetric: metrics.length - 1, frames, meta }
  if (Array.isArray(file.raw)) {
    return [{ ...profile, samples: rawSamples(file, mode, interval ?? 0, frameId) }]
  }
  if (mode === 'wall') {
    meta.notes.push('stackprof: no raw samples: wall time is samples × interval')
  }
  const graph = new GraphBuilder(metrics.length)
  const scale = mode === 'object' ? 1 : (interval ?? 0)
  const totals = new Map<number, number>()
  for (const [key, raw] of Object.entries(file.frames) as [string, Json][]) {
    const node = graph.node(ids.get(key)!)
    const self = count(raw.samples, `frame ${key} samples`)
    const total = Math.max(self, count(raw.total_samples, `frame ${key} total_samples`))
    totals.set(node.frame, total)
    node.self[0] = self
    node.total[0] = total
    if (metrics.length > 1) {
      node.self[1] = finite(self * scale, `frame ${key} samples × interval`)
      node.total[1] = finite(total * scale, `frame ${key} total_samples × interval`)
    }
  }
  let capped = false
  for (const [key, raw] of Object.entries(file.frames) as [string, Json][]) {
    if (raw.edges === undefined) continue
    if (!isObject(raw.edges)) fail(`frame ${key} edges is not an object`)
    const caller = ids.get(key)!
    for (const [calleeKey, n] of Object.entries(raw.edges)) {
      const callee = frameId(calleeKey, `an edge of frame ${key}`)
      // stackprof counts a pair once per occurrence on a stack: recursion counts it again.
      const seen = count(n, `frame ${key} edge ${calleeKey}`)
      const total = Math.min(seen, totals.get(callee)!, totals.get(caller)!)
      if (total < seen) capped = true
      const edge = graph.edge(caller, callee)
      edge.total[0] = total
      if (metrics.length > 1) edge.total[1] = finite(total * scale, `frame ${key} edge × interval`)
    }
  }
  if (capped) {
    meta.notes.push(
      "stackprof: without raw samples, calls within recursion are capped at their function's total (stackprof counts them once per stack level)",
    )
  }
  return [{ ...profile, graph: graph.finish() }]
}

function rawSamples(
  file: Json,
  mode: string,
  interval: number,
  frameId: (key: unknown, what: string) => number,
) {
  const raw = file.raw as unknown[]
  const deltas = Array.isArray(file.raw_timestamp_deltas) ? file.raw_timestamp_deltas : undefined
  const stamps = Array.isArray(file.raw_sample_timestamps) ? file.raw_sample_timestamps : undefined
  if (mode === 'wall' && !deltas) fail("wall mode without 'raw_timestamp_deltas'")
  const first = stamps && typeof stamps[0] === 'number' ? stamps[0] : undefined
  const builder = new SamplesBuilder(mode === 'cpu' || mode === 'wall' || mode === 'object' ? 2 : 1)
  const stack: number[] = []
  let sample = 0
  for (let i = 0; i < raw.length;) {
    const height = raw[i++]
    if (
      !Number.isInteger(height) ||
      (height as number) < 0 ||
      i + (height as number) >= raw.length
    ) {
      fail(`raw[${i - 1}] is not a stack height within the array: ${JSON.stringify(height)}`)
    }
    stack.length = 0
    for (let k = 0; k < (height as number); k++) stack.push(frameId(raw[i + k], `raw[${i + k}]`))
    i += height as number
    const n = count(raw[i], `raw[${i}] (the sample count)`)
    i++
    let value = n
    if (mode === 'cpu') value = n * interval
    else if (mode === 'wall') {
      value = 0
      for (let k = 0; k < n; k++)
        value += count(deltas![sample + k], `raw_timestamp_deltas[${sample + k}]`)
    }
    const stamp = stamps?.[sample]
    const time =
      first !== undefined && typeof stamp === 'number' && Number.isFinite(stamp)
        ? (stamp - first) * 1000
        : undefined
    builder.addStack(stack, [n, finite(value, `the time of raw[${i - 1}]`)], undefined, time)
    sample += n
  }
  return builder.finish()
}

function frameOf(raw: Json, key: string): Frame {
  const name = typeof raw.name === 'string' ? raw.name : '(unknown)'
  const frame: { name: string; file?: string; line?: number } = { name }
  if (typeof raw.file === 'string' && raw.file !== '') frame.file = raw.file
  if (typeof raw.line === 'number') {
    if (!Number.isInteger(raw.line) || raw.line < 0) fail(`frame ${key} has line ${raw.line}`)
    if (raw.line > 0) frame.line = raw.line
  }
  return frame
}

function count(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(`${what} is not a count: ${JSON.stringify(value)}`)
  }
  return value
}

function finite(value: number, what: string): number {
  if (!Number.isFinite(value)) fail(`${what} is out of range`)
  return value
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}

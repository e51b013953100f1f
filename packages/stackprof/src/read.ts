import {
  FrameTable,
  GraphBuilder,
  ProfconvError,
  SamplesBuilder,
  StackTree,
  newMeta,
  readJson,
  readJsonStream,
  type Frame,
  type JsonKind,
  type JsonParser,
  type JsonPath,
  type JsonTake,
  type LineReadOptions,
  type Metric,
  type Profile,
} from '@profconv/model'

export const FORMAT = 'stackprof'

export type StackprofReadOptions = LineReadOptions

type Json = Record<string, unknown>

/**
 * Reads `stackprof --json` output (Ruby's stackprof, any mode). With raw samples (`raw: true`)
 * each `raw` record (`[height, frame ids root first…, count]`) becomes a sample, weighted
 * `samples` (count) and, by mode: `cpu` microseconds (count × interval), `wall` microseconds
 * (the record's `raw_timestamp_deltas`), `objects` (count, object mode); sample times from
 * `raw_sample_timestamps`, each the start of the time the sample stands for (stackprof stamps
 * the end). Without raw samples the per-frame aggregates become a call graph
 * (`samples` self, `total_samples` total, `edges` per call). The input is read as a stream of
 * JSON (members in any order): memory grows with the profile, not with the file.
 */
export function readStackprof(bytes: Uint8Array, options: StackprofReadOptions = {}): Profile[] {
  return readJson(bytes, FORMAT, new StackprofParser(), options)
}

/** The same from chunks (gzip accepted). */
export async function readStackprofStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: StackprofReadOptions = {},
): Promise<Profile[]> {
  return readJsonStream(chunks, FORMAT, new StackprofParser(), options)
}

const HEIGHT = 0
const IDS = 1
const COUNT = 2

class StackprofParser implements JsonParser {
  private mode: unknown = undefined
  private interval: unknown = undefined
  private framesSeen = false
  private framesDone = false
  // Frames by key, in the order met (in `frames`, or first named by a raw record).
  private readonly ids = new Map<string, number>()
  private readonly numericIds = new Map<number, number>()
  private readonly frameList: (Frame | undefined)[] = []
  private readonly aggregates: (Json | undefined)[] = []
  private readonly keys: string[] = []
  /** Frames a raw record named before `frames` was read: the error if `frames` lacks them. */
  private readonly namedAt = new Map<number, string>()
  // Raw records: the leaf node of each and its count, and where the record being read is.
  private readonly tree = new StackTree()
  private raw = false
  private readonly nodes: number[] = []
  private readonly counts: number[] = []
  private state = HEIGHT
  private height = 0
  private remaining = 0
  private recordAt = 0
  private readonly stack: number[] = []
  private deltas: number[] | undefined
  private stamps: number[] | undefined

  select(path: JsonPath, kind: JsonKind): JsonTake {
    if (path.length === 0) {
      if (kind !== 'object') fail('the file is not a JSON object')
      return 'enter'
    }
    const key = path[0]
    if (path.length === 1) {
      if (key === 'mode' || key === 'interval') return 'value'
      if (key === 'frames') {
        if (kind !== 'object') fail("missing 'frames'")
        this.framesSeen = true
        return 'enter'
      }
      if (kind !== 'array') return 'skip'
      if (key === 'raw') this.raw = true
      else if (key === 'raw_timestamp_deltas') this.deltas = []
      else if (key === 'raw_sample_timestamps') this.stamps = []
      else return 'skip'
      return 'enter'
    }
    return path.length === 2 ? 'value' : 'skip'
  }

  value(path: JsonPath, value: unknown): void {
    const key = path[0]
    if (path.length === 1) {
      if (key === 'mode') this.mode = value
      else this.interval = value
    } else if (key === 'raw') this.rawValue(path[1] as number, value)
    else if (key === 'raw_timestamp_deltas') {
      if (!isCount(value)) notCount(`raw_timestamp_deltas[${path[1]}]`, value)
      this.deltas!.push(value)
    } else if (key === 'raw_sample_timestamps') {
      this.stamps!.push(typeof value === 'number' && Number.isFinite(value) ? value : NaN)
    } else this.frame(path[1] as string, value)
  }

  leave(path: JsonPath): void {
    if (path.length !== 1) return
    if (path[0] === 'frames') this.framesDone = true
    else if (path[0] === 'raw' && this.state !== HEIGHT) {
      fail(
        `raw[${this.recordAt}] is not a stack height within the array: ${JSON.stringify(this.height)}`,
      )
    }
  }

  private frame(key: string, raw: unknown): void {
    if (!isObject(raw)) fail(`frame ${key} is not an object`)
    const known = this.ids.get(key)
    const id = known ?? this.local(key)
    if (known !== undefined && this.frameList[id] !== undefined) fail(`frame ${key} twice`)
    this.frameList[id] = frameOf(raw, key)
    this.aggregates[id] = raw
    this.keys[id] = key
  }

  /** A new frame index for `key`. */
  private local(key: string): number {
    const id = this.frameList.push(undefined) - 1
    this.ids.set(key, id)
    const n = Number(key)
    if (String(n) === key) this.numericIds.set(n, id)
    return id
  }

  private frameId(key: unknown, i: number): number {
    let id = typeof key === 'number' ? this.numericIds.get(key) : undefined
    if (id === undefined && (typeof key === 'number' || typeof key === 'string')) {
      id = this.ids.get(String(key))
    }
    if (id !== undefined) return id
    if (this.framesDone || (typeof key !== 'number' && typeof key !== 'string')) {
      fail(`raw[${i}] names no frame: ${JSON.stringify(key)}`)
    }
    // `frames` may come later: check at the end.
    id = this.local(String(key))
    this.namedAt.set(id, `raw[${i}] names no frame: ${JSON.stringify(key)}`)
    return id
  }

  private rawValue(i: number, value: unknown): void {
    if (this.state === HEIGHT) {
      if (!Number.isInteger(value) || (value as number) < 0) {
        fail(`raw[${i}] is not a stack height within the array: ${JSON.stringify(value)}`)
      }
      this.recordAt = i
      this.height = value as number
      this.remaining = value as number
      this.stack.length = 0
      this.state = this.remaining > 0 ? IDS : COUNT
    } else if (this.state === IDS) {
      this.stack.push(this.frameId(value, i))
      if (--this.remaining === 0) this.state = COUNT
    } else {
      if (!isCount(value)) notCount(`raw[${i}] (the sample count)`, value)
      this.counts.push(value)
      this.nodes.push(this.tree.insert(this.stack))
      this.state = HEIGHT
    }
  }

  finish(): Profile[] {
    const mode = this.mode
    if (typeof mode !== 'string') fail("missing 'mode'")
    if (!this.framesSeen) fail("missing 'frames'")
    for (const [id, reason] of this.namedAt) {
      if (this.frameList[id] === undefined) fail(reason)
    }
    const interval = typeof this.interval === 'number' ? this.interval : undefined
    if (interval !== undefined && !(Number.isFinite(interval) && interval >= 0)) {
      fail(`interval is not a finite number`)
    }
    const frames = new FrameTable()
    for (const frame of this.frameList) frames.add(frame!)

    const metrics: Metric[] = [{ name: 'samples', unit: 'count' }]
    if (mode === 'object') metrics.push({ name: 'objects', unit: 'count' })
    else if (mode === 'cpu' || mode === 'wall') metrics.push({ name: mode, unit: 'microseconds' })
    const meta = newMeta(FORMAT)
    meta.name = `stackprof ${mode}`
    if (interval !== undefined && metrics.length > 1) {
      meta.period = { metric: { ...metrics[1] }, value: mode === 'object' ? 1 : interval }
    }
    const profile = { metrics, defaultMetric: metrics.length - 1, frames, meta }
    if (this.raw) return [{ ...profile, samples: this.rawSamples(mode, interval ?? 0) }]
    if (mode === 'wall') {
      meta.notes.push('stackprof: no raw samples: wall time is samples × interval')
    }
    return [{ ...profile, graph: this.graph(metrics.length, mode, interval, meta.notes) }]
  }

  private rawSamples(mode: string, interval: number) {
    const { deltas, stamps } = this
    if (mode === 'wall' && !deltas) fail("wall mode without 'raw_timestamp_deltas'")
    // stackprof stamps a sample when it is taken, at the end of the time it stands for (its
    // delta in wall mode, one interval in cpu mode): the model's time is where that starts.
    const before = (k: number) =>
      mode === 'wall' ? (deltas![k] ?? 0) : mode === 'cpu' ? interval : 0
    const first =
      stamps && stamps.length > 0 && !Number.isNaN(stamps[0]) ? stamps[0] - before(0) : undefined
    const metrics = mode === 'cpu' || mode === 'wall' || mode === 'object' ? 2 : 1
    const builder = new SamplesBuilder(metrics, this.tree)
    const values = [0, 0]
    let sample = 0
    for (let r = 0; r < this.nodes.length; r++) {
      const n = this.counts[r]
      let value = n
      if (mode === 'cpu') value = n * interval
      else if (mode === 'wall') {
        value = 0
        for (let k = 0; k < n; k++) {
          const delta = deltas![sample + k]
          if (delta === undefined) notCount(`raw_timestamp_deltas[${sample + k}]`, delta)
          value += delta
        }
      }
      const stamp = stamps?.[sample]
      const time =
        first !== undefined && stamp !== undefined && !Number.isNaN(stamp)
          ? (stamp - before(sample) - first) * 1000
          : undefined
      values[0] = n
      values[1] = Number.isFinite(value) ? value : finite(value, `the time of raw record ${r}`)
      builder.add(this.nodes[r], values, undefined, time)
      sample += n
    }
    return builder.finish()
  }

  private graph(metricCount: number, mode: string, interval: number | undefined, notes: string[]) {
    const graph = new GraphBuilder(metricCount)
    const scale = mode === 'object' ? 1 : (interval ?? 0)
    const totals: number[] = []
    const { aggregates, keys } = this
    for (let id = 0; id < aggregates.length; id++) {
      const raw = aggregates[id]!
      const key = keys[id]
      const node = graph.node(id)
      const self = count(raw.samples, `frame ${key} samples`)
      const total = Math.max(self, count(raw.total_samples, `frame ${key} total_samples`))
      totals[id] = total
      node.self[0] = self
      node.total[0] = total
      if (metricCount > 1) {
        node.self[1] = finite(self * scale, `frame ${key} samples × interval`)
        node.total[1] = finite(total * scale, `frame ${key} total_samples × interval`)
      }
    }
    let capped = false
    for (let caller = 0; caller < aggregates.length; caller++) {
      const raw = aggregates[caller]!
      const key = keys[caller]
      if (raw.edges === undefined) continue
      if (!isObject(raw.edges)) fail(`frame ${key} edges is not an object`)
      for (const [calleeKey, n] of Object.entries(raw.edges)) {
        const callee = this.ids.get(calleeKey)
        if (callee === undefined) fail(`an edge of frame ${key} names no frame: "${calleeKey}"`)
        // stackprof counts a pair once per occurrence on a stack: recursion counts it again.
        const seen = count(n, `frame ${key} edge ${calleeKey}`)
        const total = Math.min(seen, totals[callee], totals[caller])
        if (total < seen) capped = true
        const edge = graph.edge(caller, callee)
        edge.total[0] = total
        if (metricCount > 1) edge.total[1] = finite(total * scale, `frame ${key} edge × interval`)
      }
    }
    if (capped) {
      notes.push(
        "stackprof: without raw samples, calls within recursion are capped at their function's total (stackprof counts them once per stack level)",
      )
    }
    return graph.finish()
  }
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
  if (!isCount(value)) notCount(what, value)
  return value
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

function notCount(what: string, value: unknown): never {
  fail(`${what} is not a count: ${JSON.stringify(value)}`)
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

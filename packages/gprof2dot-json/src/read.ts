import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  newMeta,
  readJson,
  readJsonStream,
  type JsonKind,
  type JsonParser,
  type JsonPath,
  type JsonTake,
  type Label,
  type LineReadOptions,
  type Metric,
  type Profile,
} from '@profconv/model'

export const FORMAT = 'gprof2dot-json'

export type Gprof2dotJsonReadOptions = LineReadOptions

type Json = Record<string, unknown>

/**
 * Reads gprof2dot's own JSON profile (`-f json`, schema version 0, as memtrail writes it):
 * `costs` become the metrics (`description` the name, `unit` the unit, `count` when absent),
 * `functions` the frames (`module` kept; `process` becomes a `process` label of the samples whose
 * leaf it is), each event a sample whose `callchain` (callee first) is its stack and whose
 * `cost` its values. The input is read as a stream of JSON: events are taken one at a time
 * (kept whole only where they come before `costs` or `functions`).
 */
export function readGprof2dotJson(
  bytes: Uint8Array,
  options: Gprof2dotJsonReadOptions = {},
): Profile[] {
  return readJson(bytes, FORMAT, new Gprof2dotJsonParser(), options)
}

/** The same from chunks (gzip accepted). */
export async function readGprof2dotJsonStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: Gprof2dotJsonReadOptions = {},
): Promise<Profile[]> {
  return readJsonStream(chunks, FORMAT, new Gprof2dotJsonParser(), options)
}

class Gprof2dotJsonParser implements JsonParser {
  private version: unknown = undefined
  private metrics: Metric[] | undefined
  private functions = false
  private functionsDone = false
  private events = false
  private readonly frames = new FrameTable()
  private readonly processes: (readonly Label[] | undefined)[] = []
  private builder: SamplesBuilder | undefined
  private readonly pending: [number, unknown][] = []
  private readonly stack: number[] = []
  private values = new Float64Array(0)

  select(path: JsonPath, kind: JsonKind): JsonTake {
    if (path.length === 0) {
      if (kind !== 'object') fail('the file is not a JSON object')
      return 'enter'
    }
    const key = path[0]
    if (path.length === 1) {
      if (key === 'version' || key === 'costs') return 'value'
      if (key === 'functions' || key === 'events') {
        if (kind !== 'array') fail(`missing '${key}'`)
        if (key === 'functions') this.functions = true
        else this.events = true
        return 'enter'
      }
      return 'skip'
    }
    return path.length === 2 ? 'value' : 'skip'
  }

  value(path: JsonPath, value: unknown): void {
    const key = path[0]
    if (key === 'version') {
      this.version = value
      if (value !== 0) fail(`unknown version ${JSON.stringify(value)} (0 is read)`)
    } else if (key === 'costs') this.costs(value)
    else if (key === 'functions') this.function(path[1] as number, value)
    else if (this.metrics && this.functionsDone) this.event(path[1] as number, value)
    else this.pending.push([path[1] as number, value])
  }

  leave(path: JsonPath): void {
    if (path.length === 1 && path[0] === 'functions') this.functionsDone = true
  }

  private costs(costs: unknown): void {
    if (!Array.isArray(costs) || costs.length === 0) fail("missing 'costs'")
    this.metrics = costs.map((cost, i) => {
      if (!isObject(cost)) fail(`costs[${i}] is not an object`)
      const name = optionalString(cost.description, `costs[${i}].description`) ?? `cost ${i}`
      const unit = optionalString(cost.unit, `costs[${i}].unit`) ?? 'count'
      return { name, unit }
    })
    this.values = new Float64Array(this.metrics.length)
  }

  private function(i: number, fn: unknown): void {
    if (!isObject(fn)) fail(`functions[${i}] is not an object`)
    if (typeof fn.name !== 'string') fail(`functions[${i}] has no name`)
    const module = optionalString(fn.module, `functions[${i}].module`)
    const process = optionalString(fn.process, `functions[${i}].process`)
    // One frame per function entry: two entries of one name stay apart, as in gprof2dot.
    this.frames.add(module !== undefined ? { name: fn.name, module } : { name: fn.name })
    this.processes.push(process !== undefined ? [{ key: 'process', str: process }] : undefined)
  }

  private event(i: number, event: unknown): void {
    const metrics = this.metrics!
    this.builder ??= new SamplesBuilder(metrics.length)
    if (!isObject(event)) fail(`events[${i}] is not an object`)
    const { callchain, cost } = event
    if (!Array.isArray(callchain) || callchain.length === 0) {
      fail(`events[${i}].callchain is not a non-empty array`)
    }
    if (!Array.isArray(cost) || cost.length === 0) fail(`events[${i}].cost is not an array`)
    const stack = this.stack
    stack.length = 0
    for (let k = callchain.length - 1; k >= 0; k--) {
      const id = callchain[k]
      if (!Number.isInteger(id) || id < 0 || id >= this.frames.length) {
        fail(`events[${i}].callchain[${k}] is not a function index: ${JSON.stringify(id)}`)
      }
      stack.push(id as number)
    }
    for (let m = 0; m < metrics.length; m++) {
      const value = cost[m] ?? 0
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        fail(`events[${i}].cost[${m}] is not a finite number`)
      }
      this.values[m] = value
    }
    this.builder.addStack(stack, this.values, this.processes[callchain[0] as number])
  }

  finish(): Profile[] {
    if (this.version !== 0) fail(`unknown version ${JSON.stringify(this.version)} (0 is read)`)
    const metrics = this.metrics
    if (!metrics) fail("missing 'costs'")
    if (!this.functions) fail("missing 'functions'")
    if (!this.events) fail("missing 'events'")
    for (const [i, event] of this.pending) this.event(i, event)
    const builder = this.builder ?? new SamplesBuilder(metrics.length)
    const meta = newMeta(FORMAT)
    return [{ metrics, defaultMetric: 0, frames: this.frames, samples: builder.finish(), meta }]
  }
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string') fail(`${what} is not a string`)
  return value
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}

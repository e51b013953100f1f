import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  maybeGunzip,
  newMeta,
  parseJson,
  type Label,
  type Metric,
  type Profile,
  type ReadOptions,
} from '@profconv/model'

export const FORMAT = 'gprof2dot-json'

type Json = Record<string, unknown>

/**
 * Reads gprof2dot's own JSON profile (`-f json`, schema version 0, as memtrail writes it):
 * `costs` become the metrics (`description` the name, `unit` the unit, `count` when absent),
 * `functions` the frames (`module` kept; `process` becomes a `process` label of the samples whose
 * leaf it is), each event a sample whose `callchain` (callee first) is its stack and whose
 * `cost` its values.
 */
export function readGprof2dotJson(bytes: Uint8Array, options: ReadOptions = {}): Profile[] {
  const file = parseJson(maybeGunzip(bytes, FORMAT, options.maxInputSize), FORMAT)
  if (!isObject(file)) fail('the file is not a JSON object')
  if (file.version !== 0) fail(`unknown version ${JSON.stringify(file.version)} (0 is read)`)
  if (!Array.isArray(file.costs) || file.costs.length === 0) fail("missing 'costs'")
  if (!Array.isArray(file.functions)) fail("missing 'functions'")
  if (!Array.isArray(file.events)) fail("missing 'events'")

  const metrics: Metric[] = file.costs.map((cost, i) => {
    if (!isObject(cost)) fail(`costs[${i}] is not an object`)
    const name = optionalString(cost.description, `costs[${i}].description`) ?? `cost ${i}`
    const unit = optionalString(cost.unit, `costs[${i}].unit`) ?? 'count'
    return { name, unit }
  })
  const frames = new FrameTable()
  const processes: (readonly Label[] | undefined)[] = []
  file.functions.forEach((fn, i) => {
    if (!isObject(fn)) fail(`functions[${i}] is not an object`)
    if (typeof fn.name !== 'string') fail(`functions[${i}] has no name`)
    const module = optionalString(fn.module, `functions[${i}].module`)
    const process = optionalString(fn.process, `functions[${i}].process`)
    // One frame per function entry: two entries of one name stay apart, as in gprof2dot.
    frames.add(module !== undefined ? { name: fn.name, module } : { name: fn.name })
    processes.push(process !== undefined ? [{ key: 'process', str: process }] : undefined)
  })

  const builder = new SamplesBuilder(metrics.length)
  const stack: number[] = []
  const values = new Float64Array(metrics.length)
  file.events.forEach((event, i) => {
    if (!isObject(event)) fail(`events[${i}] is not an object`)
    const { callchain, cost } = event
    if (!Array.isArray(callchain) || callchain.length === 0) {
      fail(`events[${i}].callchain is not a non-empty array`)
    }
    if (!Array.isArray(cost) || cost.length === 0) fail(`events[${i}].cost is not an array`)
    stack.length = 0
    for (let k = callchain.length - 1; k >= 0; k--) {
      const id = callchain[k]
      if (!Number.isInteger(id) || id < 0 || id >= frames.length) {
        fail(`events[${i}].callchain[${k}] is not a function index: ${JSON.stringify(id)}`)
      }
      stack.push(id as number)
    }
    for (let m = 0; m < metrics.length; m++) {
      const value = cost[m] ?? 0
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        fail(`events[${i}].cost[${m}] is not a finite number`)
      }
      values[m] = value
    }
    builder.addStack(stack, values, processes[callchain[0] as number])
  })
  const meta = newMeta(FORMAT)
  return [{ metrics, defaultMetric: 0, frames, samples: builder.finish(), meta }]
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

import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  maybeGunzip,
  newMeta,
  parseJson,
  type Frame,
  type Label,
  type Profile,
  type ReadOptions,
} from '@profconv/model'

const FORMAT = 'v8-prof'

/** V8's VM states (`StateTag`), the `vm` of each tick. */
export const VM_STATES: readonly string[] = [
  'JS',
  'GC',
  'PARSER',
  'BYTECODE_COMPILER',
  'COMPILER',
  'OTHER',
  'EXTERNAL',
  'ATOMICS_WAIT',
  'IDLE',
  'LOGGING',
]

/** The frame of ticks whose program counter is in no known code (`--prof-process`'s "Unaccounted"). */
export const UNACCOUNTED = '(unaccounted)'

/**
 * Reads the JSON that `node --prof-process --preprocess isolate-*.log` writes: `code` entries
 * (JavaScript functions at each tier, C++ symbols, shared libraries, builtins), `functions`, and
 * `ticks` (`tm` µs since start, `vm` state, `s` the stack as (code index, offset) pairs, leaf
 * first, -1 for an address in no known code). One sample per tick, metric `samples`, with its
 * time and a `vm state` label. JavaScript code entries (`name url:line:column`) become one frame
 * per function whatever their tier (interpreted, Sparkplug, Maglev, TurboFan): file, line and
 * column from the name. A tick whose program counter is in no known code ends in
 * `(unaccounted)`; unknown addresses further up the stack are left out.
 */
export function readV8Prof(bytes: Uint8Array, options: ReadOptions = {}): Profile {
  const json = parseJson(maybeGunzip(bytes, FORMAT, options.maxInputSize), FORMAT)
  if (!isObject(json) || !Array.isArray(json.code) || !Array.isArray(json.ticks)) {
    fail("not --prof-process --preprocess output: missing 'code' or 'ticks'")
  }
  const code = json.code as unknown[]
  const frames = new FrameTable()
  const frameOf = new Int32Array(code.length).fill(-1)
  const frameOfCode = (index: unknown, tick: number): number => {
    if (typeof index !== 'number' || !Number.isInteger(index) || index >= code.length || index < -1)
      fail(`tick ${tick} names code entry ${JSON.stringify(index)}, which does not exist`)
    if (frameOf[index] < 0) frameOf[index] = frames.intern(frameOfEntry(code[index], index))
    return frameOf[index]
  }
  const builder = new SamplesBuilder(1)
  const stack: number[] = []
  const labels = VM_STATES.map((s): readonly Label[] => [{ key: 'vm state', str: s }])
  let unaccounted = -1
  const ticks = json.ticks as unknown[]
  let start = Infinity
  let end = -Infinity
  for (let t = 0; t < ticks.length; t++) {
    const tick = ticks[t]
    if (!isObject(tick) || !Array.isArray(tick.s)) fail(`tick ${t} has no stack ('s')`)
    const s = tick.s as unknown[]
    stack.length = 0
    // Leaf first in the file; root first in the model.
    for (let k = s.length - 2; k >= 0; k -= 2) {
      if (s[k] === -1) {
        if (k === 0)
          stack.push(
            (unaccounted = unaccounted >= 0 ? unaccounted : frames.intern({ name: UNACCOUNTED })),
          )
        continue
      }
      stack.push(frameOfCode(s[k], t))
    }
    const tm = typeof tick.tm === 'number' && Number.isFinite(tick.tm) ? tick.tm : undefined
    if (tm !== undefined) {
      start = Math.min(start, tm)
      end = Math.max(end, tm)
    }
    const vm = typeof tick.vm === 'number' ? labels[tick.vm] : undefined
    builder.addStack(stack, [1], vm, tm !== undefined ? tm * 1000 : undefined)
  }
  const meta = newMeta(FORMAT)
  if (end >= start) meta.duration = (end - start) * 1000
  return {
    metrics: [{ name: 'samples', unit: 'count' }],
    defaultMetric: 0,
    frames,
    samples: builder.finish(),
    meta,
  }
}

/** A code entry's frame: JavaScript names split into function, url, line and column. */
function frameOfEntry(entry: unknown, index: number): Frame {
  if (!isObject(entry) || typeof entry.name !== 'string') fail(`code entry ${index} has no name`)
  const name = entry.name
  if (entry.type === 'JS') {
    const match = /^(.*?) ?(\S+):(\d+):(\d+)$/.exec(name)
    if (match) {
      return {
        name: match[1] === '' ? '(anonymous)' : match[1],
        file: match[2],
        line: Number(match[3]),
        column: Number(match[4]),
      }
    }
  }
  if (entry.type === 'SHARED_LIB') return { name, module: name }
  return { name }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}

import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  maybeGunzip,
  newMeta,
  type Metric,
  type Profile,
  type ReadOptions,
} from '@profconv/model'
import { PickleDict, PickleObject, PickleTuple, unpickle, type PickleValue } from './pickle.js'

const FORMAT = 'line-profiler'

/** The classes a `.lprof` holds: line_profiler's `LineStats`, wherever a version defined it. */
export function isLineStatsClass(fullName: string): boolean {
  return /^line_profiler(\.[\w.]+)?\.LineStats$/.test(fullName)
}

const UNITS: [number, string][] = [
  [1e-9, 'nanoseconds'],
  [1e-6, 'microseconds'],
  [1e-3, 'milliseconds'],
  [1, 'seconds'],
]

/**
 * Reads a line_profiler result (`kernprof -l -o prof.lprof`, `LineProfiler.dump_stats`): a pickle
 * of `LineStats` with `timings` = {(file, first line, function): [(line, hits, time), …]} and
 * `unit` (seconds per timer tick). Nothing in the pickle is executed (see `unpickle`).
 *
 * The model: one frame per profiled function (file, first line, name); per line, one sample of
 * that function at that line (the line on the stack node) with metrics `time` (in the timer's
 * unit: nanoseconds for unit 1e-9, microseconds for 1e-6, …) and `hits` (count). A function's
 * self time is then the sum of its lines, which is line_profiler's "Total time". A line's time
 * includes the calls made on it, so a profiled function called from another profiled one is
 * counted in both (noted); there is no call graph.
 */
export function readLineProfiler(bytes: Uint8Array, options: ReadOptions = {}): Profile {
  const data = maybeGunzip(bytes, FORMAT, options.maxInputSize)
  if (data.length === 0) throw new ProfconvError(FORMAT, 'empty file', { offset: 0 })
  const root = unpickle(data, FORMAT, isLineStatsClass)
  const bad = (reason: string): never => {
    throw new ProfconvError(FORMAT, reason)
  }
  if (!(root instanceof PickleObject) || !(root.state instanceof PickleDict))
    return bad('the pickle is not a line_profiler LineStats object')
  const state = new Map<string, PickleValue>()
  for (const [k, v] of root.state.entries) if (typeof k === 'string') state.set(k, v)
  const timings = state.get('timings')
  const unit = state.get('unit')
  if (!(timings instanceof PickleDict)) return bad('LineStats has no timings dict')
  if (typeof unit !== 'number' || !(unit > 0) || !Number.isFinite(unit))
    return bad('LineStats has no positive timer unit')

  const known = UNITS.find(([u]) => Math.abs(unit / u - 1) < 1e-9)
  const scale = known ? 1 : unit * 1e9
  const time: Metric = { name: 'time', unit: known ? known[1] : 'nanoseconds' }
  const meta = newMeta(FORMAT)
  if (!known) meta.comments.push(`timer unit ${unit} s: times converted to nanoseconds`)
  const frames = new FrameTable()
  const samples = new SamplesBuilder(2)
  const values = [0, 0]
  const num = (v: PickleValue, what: string): number => {
    const n = typeof v === 'bigint' ? Number(v) : v
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
      return bad(`${what} is not a non-negative number`)
    return n
  }
  let functions = 0
  for (const [key, rows] of timings.entries) {
    if (!(key instanceof PickleTuple) || key.items.length !== 3)
      return bad('a timings key is not a (file, line, function) tuple')
    const [file, first, name] = key.items
    if (typeof file !== 'string' || typeof name !== 'string')
      return bad('a timings key has a non-string file or function')
    const line = num(first, `the first line of ${name}`)
    const frame = frames.intern({ name, file, line: line > 0 ? line : undefined })
    const list = Array.isArray(rows) ? rows : rows instanceof PickleTuple ? rows.items : undefined
    if (!list) return bad(`the timings of ${name} are not a list`)
    functions++
    for (const row of list) {
      const cells = row instanceof PickleTuple ? row.items : Array.isArray(row) ? row : undefined
      if (!cells || cells.length !== 3) return bad(`a line of ${name} is not (line, hits, time)`)
      const lineNo = num(cells[0], `a line number of ${name}`)
      values[0] = num(cells[2], `the time of ${name} line ${lineNo}`) * scale
      values[1] = num(cells[1], `the hits of ${name} line ${lineNo}`)
      samples.add(samples.tree.child(-1, frame, lineNo), values)
    }
  }
  if (functions > 1) {
    meta.notes.push(
      "line_profiler: a line's time includes the calls made on it, so a profiled function called from another is counted in both; there is no call graph",
    )
  }
  return {
    metrics: [time, { name: 'hits', unit: 'count' }],
    defaultMetric: 0,
    frames,
    samples: samples.finish(),
    meta,
  }
}

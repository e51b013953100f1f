import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  maybeGunzip,
  newMeta,
  parseJson,
  type Metric,
  type Profile,
  type ReadOptions,
} from '@profconv/model'

const FORMAT = 'scalene'
const MB = 1024 * 1024

/** The metrics of a scalene profile, in this order. */
export const SCALENE_METRICS: readonly Metric[] = [
  { name: 'cpu_python', unit: 'seconds' },
  { name: 'cpu_native', unit: 'seconds' },
  { name: 'cpu_system', unit: 'seconds' },
  { name: 'alloc_space', unit: 'bytes' },
]

interface ScaleneLine {
  lineno: number
  n_cpu_percent_python?: number
  n_cpu_percent_c?: number
  n_sys_percent?: number
  n_malloc_mb?: number
  start_function_line?: number
}

/**
 * Reads scalene's `--json` output. Per line, scalene gives CPU time as percentages of the
 * elapsed time (Python, native, system) and the megabytes allocated: they become the metrics
 * `cpu_python`, `cpu_native`, `cpu_system` in seconds (percent × `elapsed_time_sec` / 100, noted)
 * and `alloc_space` in bytes (MB × 2^20). Each line is one sample of its function at that line:
 * the current form names a line's function by `start_function_line` (matched to the file's
 * `functions`); the old flat form (scalene 1.5, Debian's 1.5.16) does not, and its lines are
 * attributed to their file (`<file>` frames, noted). Peak and average memory, copy volume, GPU
 * and memory-over-time samples are not summable per line and are left out (noted when present).
 */
export function readScalene(bytes: Uint8Array, options: ReadOptions = {}): Profile {
  const json = parseJson(maybeGunzip(bytes, FORMAT, options.maxInputSize), FORMAT) as Record<
    string,
    unknown
  >
  const bad = (reason: string): never => {
    throw new ProfconvError(FORMAT, reason)
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) bad('not a scalene JSON object')
  const elapsed = json.elapsed_time_sec
  if (typeof elapsed !== 'number' || !Number.isFinite(elapsed) || elapsed < 0)
    bad('no elapsed_time_sec: not a scalene profile')
  const files = json.files
  if (!files || typeof files !== 'object' || Array.isArray(files)) bad('no files object')

  const meta = newMeta(FORMAT)
  meta.duration = (elapsed as number) * 1e9
  if (typeof json.program === 'string') meta.name = json.program
  const frames = new FrameTable()
  // The current form's stitched Python+native stacks (CPU samples) and memory stacks (MB).
  const cpuStacks = nonEmptyList(json.combined_stacks)
  const memoryStacks = nonEmptyList(json.memory_stacks)
  const metrics = SCALENE_METRICS.map((m) => ({ ...m }))
  const cpuStackMetric = cpuStacks ? metrics.push({ name: 'stack_samples', unit: 'count' }) - 1 : -1
  const memoryStackMetric = memoryStacks
    ? metrics.push({ name: 'stack_alloc_space', unit: 'bytes' }) - 1
    : -1
  const samples = new SamplesBuilder(metrics.length)
  const values = new Array<number>(metrics.length).fill(0)
  /** A function's first line by file and name (the `functions` lists), for the stacks' frames. */
  const firstLines = new Map<string, number>()
  const seconds = (elapsed as number) / 100
  let byFile = false
  let dropped = false
  const num = (v: unknown, what: string): number => {
    if (v === undefined || v === null) return 0
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return bad(`${what} is not a number`)
    return v
  }
  for (const [file, entry] of Object.entries(files as Record<string, unknown>)) {
    const f = entry as { lines?: unknown; functions?: unknown }
    if (!f || typeof f !== 'object' || !Array.isArray(f.lines))
      return bad(`file ${JSON.stringify(file)} has no lines list`)
    // Function names by first line (the current form's `functions`, names like `Class.method`).
    const names = new Map<number, string>()
    if (Array.isArray(f.functions))
      for (const fn of f.functions as { line?: unknown; lineno?: unknown }[])
        if (typeof fn?.line === 'string' && typeof fn.lineno === 'number') {
          names.set(fn.lineno, fn.line)
          firstLines.set(`${file}\u0000${fn.line}`, fn.lineno)
        }
    for (const raw of f.lines as ScaleneLine[]) {
      if (!raw || typeof raw !== 'object') return bad(`a line of ${file} is not an object`)
      const line = num(raw.lineno, `a line number of ${file}`)
      const where = `${file} line ${line}`
      values[0] = num(raw.n_cpu_percent_python, `n_cpu_percent_python of ${where}`) * seconds
      values[1] = num(raw.n_cpu_percent_c, `n_cpu_percent_c of ${where}`) * seconds
      values[2] = num(raw.n_sys_percent, `n_sys_percent of ${where}`) * seconds
      values[3] = num(raw.n_malloc_mb, `n_malloc_mb of ${where}`) * MB
      dropped ||= ['n_peak_mb', 'n_copy_mb_s', 'n_gpu_percent'].some(
        (k) =>
          typeof (raw as unknown as Record<string, unknown>)[k] === 'number' &&
          (raw as unknown as Record<string, number>)[k] > 0,
      )
      if (values.every((v) => v === 0)) continue
      const start = raw.start_function_line
      const name = typeof start === 'number' && start > 0 ? names.get(start) : undefined
      if (name === undefined) byFile = true
      const frame = frames.intern(
        name === undefined ? { name: `<${file}>`, file } : { name, file, line: start },
      )
      samples.add(samples.tree.child(-1, frame, line), values)
    }
  }
  meta.notes.push(
    `scalene: CPU percentages converted to seconds of the elapsed time (${elapsed} s); memory as the MB allocated per line`,
  )
  if (byFile)
    meta.notes.push(
      "scalene: this JSON does not name each line's function; lines are attributed to their file",
    )
  if (dropped)
    meta.notes.push(
      'scalene: peak/average memory, copy volume and GPU figures are not summable and were left out',
    )
  values.fill(0)
  if (cpuStacks) readStacks(cpuStacks, cpuStackMetric, 1, frames, samples, values, firstLines, bad)
  if (memoryStacks)
    readStacks(memoryStacks, memoryStackMetric, MB, frames, samples, values, firstLines, bad)
  if (cpuStacks || memoryStacks)
    meta.notes.push(
      'scalene: its sampled stacks are the metrics stack_samples (CPU samples) and stack_alloc_space (bytes), beside the per-line figures (each metric has its own samples)',
    )
  if (!cpuStacks && Array.isArray(json.stacks) && json.stacks.length > 0)
    meta.notes.push("scalene: this version's `stacks` are not read (per-line figures only)")
  return {
    metrics,
    defaultMetric: 0,
    frames,
    samples: samples.finish(),
    meta,
  }
}

function nonEmptyList(value: unknown): unknown[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value : undefined
}

interface StackFrame {
  kind?: unknown
  display_name?: unknown
  filename_or_module?: unknown
  line?: unknown
  ip?: unknown
}

/**
 * `[[frames, weight], …]`, frames outermost first: `{kind: 'py', display_name,
 * filename_or_module, line}` or `{kind: 'native', display_name, filename_or_module (the
 * library), ip}`; each a sample of `weight × scale` in metric `m`.
 */
function readStacks(
  stacks: unknown[],
  m: number,
  scale: number,
  frames: FrameTable,
  samples: SamplesBuilder,
  values: number[],
  firstLines: ReadonlyMap<string, number>,
  bad: (reason: string) => never,
): void {
  for (const entry of stacks) {
    if (!Array.isArray(entry) || entry.length !== 2 || !Array.isArray(entry[0]))
      bad('a stack is not [frames, weight]')
    const weight = (entry as unknown[])[1]
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0)
      bad('a stack weight is not a number')
    let node = -1
    for (const f of (entry as unknown[])[0] as StackFrame[]) {
      if (!f || typeof f !== 'object' || typeof f.display_name !== 'string')
        bad('a stack frame has no display_name')
      const where = typeof f.filename_or_module === 'string' ? f.filename_or_module : undefined
      let id: number
      if (f.kind === 'native') {
        const name =
          (f.display_name as string) ||
          (typeof f.ip === 'number' ? `0x${f.ip.toString(16)}` : '<native>')
        id = frames.intern(where ? { name, module: where } : { name })
      } else {
        const name = f.display_name as string
        const first = where ? firstLines.get(`${where}\u0000${name}`) : undefined
        id = frames.intern(where ? { name, file: where, line: first } : { name })
      }
      const line = typeof f.line === 'number' && f.line > 0 ? f.line : 0
      node = samples.tree.child(node, id, line)
    }
    values[m] = (weight as number) * scale
    samples.add(node, values)
  }
  values[m] = 0
}

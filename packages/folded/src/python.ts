import {
  FrameTable,
  LineSplitter,
  ProfconvError,
  SamplesBuilder,
  maybeGunzip,
  newMeta,
  type Label,
  type Metric,
  type Profile,
  type ReadOptions,
} from '@profconv/model'

/**
 * The folded dialects of Python's samplers, where a frame is a function *and a line*:
 *
 * - `tachyon`: Python 3.15's `python -m profiling.sampling --collapsed`:
 *   `tid:<id>;file.py:func:line;… <samples>` (file is a base name; `~`-file frames such as
 *   `<native>` are the bare name).
 * - `austin`: austin 3.x, `P<pid>;T<tid>;file:func:line;… <value>` (or `T<iid>:<tid>`;
 *   `-a`: `file:func;L<line>`), after `# key: value` metadata lines (`# mode: wall|cpu|memory|full`,
 *   `# interval: <µs>`), with `time,idle,memory` values in full mode; and austin 1.x (Debian's
 *   1.0.1), `Thread <id>;func (file);L<line>;… <µs>` (or `-a`: `func (file:line)`), one value, or
 *   three in full mode (`time +mem -mem`), memory in KB.
 */
export type PythonDialect = 'tachyon' | 'austin'

export interface PythonFoldedOptions extends ReadOptions {
  /** Bytes handed to the line splitter at a time (tests use tiny chunks). Default 1 MiB. */
  chunkSize?: number
}

const WALL: Metric = { name: 'wall', unit: 'microseconds' }
const CPU: Metric = { name: 'cpu', unit: 'microseconds' }
const ALLOC: Metric = { name: 'alloc_space', unit: 'bytes' }
const FREED: Metric = { name: 'free_space', unit: 'bytes' }

/** How the values at the end of a line become metric values. */
interface Layout {
  metrics: Metric[]
  /** The metric values of a line's numbers (`out` has one slot per metric). */
  values(numbers: number[], out: number[]): void
  /** How many numbers a line ends with. */
  readonly count: number
  /** Numbers separated by commas (austin 3 full mode) rather than spaces. */
  readonly commas: boolean
}

/** Signed memory deltas as two non-negative metrics: what was allocated and what was freed. */
function memory(delta: number, scale: number, out: number[], at: number): void {
  out[at] = delta > 0 ? delta * scale : 0
  out[at + 1] = delta < 0 ? -delta * scale : 0
}

function layoutOf(
  dialect: PythonDialect,
  mode: string | undefined,
  numbers: number,
  commas: boolean,
  austin1: boolean,
): Layout {
  if (dialect === 'tachyon') {
    return {
      metrics: [{ name: 'samples', unit: 'count' }],
      count: 1,
      commas: false,
      values: (n, o) => void (o[0] = n[0]),
    }
  }
  if (commas || mode === 'full') {
    // austin 3 full: time delta, idle flag, RSS delta in bytes.
    return {
      metrics: [WALL, CPU, ALLOC, FREED],
      count: 3,
      commas: true,
      values: (n, o) => {
        o[0] = n[0]
        o[1] = n[1] === 0 ? n[0] : 0
        memory(n[2], 1, o, 2)
      },
    }
  }
  if (numbers === 3) {
    // austin 1 full: time, +mem, -mem (KB).
    return {
      metrics: [WALL, ALLOC, FREED],
      count: 3,
      commas: false,
      values: (n, o) => {
        o[0] = n[0]
        o[1] = Math.abs(n[1]) * 1024
        o[2] = Math.abs(n[2]) * 1024
      },
    }
  }
  if (mode === 'memory') {
    // Memory deltas: bytes in austin 3, KB in austin 1.
    const scale = austin1 ? 1024 : 1
    return {
      metrics: [ALLOC, FREED],
      count: 1,
      commas: false,
      values: (n, o) => memory(n[0], scale, o, 0),
    }
  }
  const metric = mode === 'cpu' ? CPU : WALL
  return { metrics: [metric], count: 1, commas: false, values: (n, o) => void (o[0] = n[0]) }
}

/**
 * Reads a Python sampler's folded output (see `PythonDialect`). Threads (and austin's process)
 * become sample labels `thread` (and `pid`); frames are (file, function) with the sampled line on
 * the stack node; austin's memory deltas become `alloc_space` and `free_space` in bytes.
 * austin 3 names its mode in a `# mode:` line; austin 1 does not, and its memory mode (values in
 * KB) cannot be told from wall time (µs) by content: `austinMode: 'memory'` says it.
 */
export function readPythonFolded(
  bytes: Uint8Array,
  dialect: PythonDialect,
  options: PythonFoldedOptions & { austinMode?: string } = {},
): Profile {
  const format = dialect === 'tachyon' ? 'tachyon-collapsed' : 'austin'
  const input = maybeGunzip(bytes, format, options.maxInputSize)
  const frames = new FrameTable()
  const frameIds = new Map<string, number>()
  const meta = newMeta(format)
  const header = new Map<string, string>()
  let layout: Layout | undefined
  let builder: SamplesBuilder | undefined
  const numbers: number[] = []
  let values: number[] = []
  const labelCache = new Map<string, Label[]>()
  let emptyStacks = 0

  const frameOf = (name: string, file: string | undefined) => {
    const key = file === undefined ? name : `${file}\u0000${name}`
    let id = frameIds.get(key)
    if (id === undefined)
      frameIds.set(key, (id = frames.add(file === undefined ? { name } : { name, file })))
    return id
  }
  const bad = (reason: string, lineNo: number): never => {
    throw new ProfconvError(format, reason, { line: lineNo })
  }

  const onLine = (line: string, lineNo: number) => {
    if (line.trim() === '') return
    if (line.startsWith('#')) {
      const colon = line.indexOf(':')
      if (colon > 0) header.set(line.slice(1, colon).trim(), line.slice(colon + 1).trim())
      return
    }
    // The values: after the last space; austin 1 full mode has three of them.
    let end = line.length
    while (end > 0 && line.charCodeAt(end - 1) <= 32) end--
    numbers.length = 0
    let stackEnd = end
    for (let k = 0; k < 3; k++) {
      const space = line.lastIndexOf(' ', stackEnd - 1)
      const token = line.slice(space + 1, stackEnd)
      if (k === 0 && token.includes(',')) {
        for (const part of token.split(',')) numbers.push(parseInteger(part))
        stackEnd = space
        break
      }
      const n = parseInteger(token)
      if (Number.isNaN(n) || space < 0) break
      numbers.unshift(n)
      stackEnd = space
      if (dialect === 'tachyon' || (layout && !layout.commas && numbers.length === layout.count))
        break
      // Only austin 1 full mode has several space-separated values; `Thread 1a2b 0` has one.
      if (line.startsWith('Thread ') && line.lastIndexOf(' ', stackEnd - 1) === 6) break
    }
    if (numbers.length === 0 || numbers.some(Number.isNaN)) {
      return bad(`expected 'stack value', got ${quote(line)}`, lineNo)
    }
    if (!layout) {
      const mode = header.get('mode') ?? options.austinMode
      const commas = line.slice(stackEnd + 1, end).includes(',')
      layout = layoutOf(dialect, mode, numbers.length, commas, line.startsWith('Thread '))
      builder = new SamplesBuilder(layout.metrics.length)
      values = new Array<number>(layout.metrics.length).fill(0)
    }
    if (numbers.length !== layout.count) {
      return bad(
        `expected ${layout.count} value(s) as on the first sample, got ${quote(line)}`,
        lineNo,
      )
    }
    layout.values(numbers, values)

    const tokens = stackEnd > 0 ? line.slice(0, stackEnd).split(';') : []
    const labels: Label[] = []
    let at = 0
    if (dialect === 'tachyon') {
      if (!tokens[0]?.startsWith('tid:'))
        return bad(`expected 'tid:<id>' first, got ${quote(line)}`, lineNo)
      labels.push({ key: 'thread', str: tokens[0].slice(4) })
      at = 1
    } else if (tokens[0]?.startsWith('Thread ')) {
      labels.push({ key: 'thread', str: tokens[0].slice(7) })
      at = 1
    } else if (tokens[0]?.startsWith('P') && tokens[1]?.startsWith('T')) {
      labels.push(
        { key: 'pid', str: tokens[0].slice(1) },
        { key: 'thread', str: tokens[1].slice(1) },
      )
      at = 2
    } else {
      return bad(`expected 'P<pid>;T<tid>' or 'Thread <id>' first, got ${quote(line)}`, lineNo)
    }
    let node = -1
    for (let i = at; i < tokens.length; i++) {
      const token = tokens[i]
      const next = tokens[i + 1]
      // austin's `L<line>` frames give the line of the frame before them.
      let lineOf = 0
      if (next !== undefined && /^L\d+$/.test(next)) {
        lineOf = Number(next.slice(1))
        i++
      }
      const frame = parseFrame(token, dialect)
      if (!frame) return bad(`cannot read the frame ${quote(token)}`, lineNo)
      node = builder!.tree.child(node, frameOf(frame.name, frame.file), frame.line || lineOf)
    }
    const key = labels.map((l) => l.str).join('\u0000')
    let shared = labelCache.get(key)
    if (!shared) labelCache.set(key, (shared = labels))
    if (node < 0) {
      if (values.every((v) => v === 0)) return
      emptyStacks++
    }
    builder!.add(node, values, shared)
  }

  const splitter = new LineSplitter(onLine)
  const step = options.chunkSize ?? 1 << 20
  for (let at = 0; at < input.length; at += step) splitter.push(input.subarray(at, at + step))
  splitter.end()

  if (dialect === 'austin') {
    if (header.has('austin')) meta.comments.push(`austin ${header.get('austin')}`)
    const interval = Number(header.get('interval'))
    if (interval > 0) meta.period = { metric: { ...WALL }, value: interval }
    const duration = Number(header.get('duration'))
    if (duration > 0) meta.duration = duration * 1e3
    if (layout?.metrics.includes(CPU) && layout.count === 3)
      meta.comments.push('cpu: the time of the samples austin marked not idle')
    if (emptyStacks > 0)
      meta.comments.push(
        `${emptyStacks} sample(s) of threads without Python frames kept without a stack`,
      )
  }
  const metrics = (layout?.metrics ?? layoutOf(dialect, undefined, 1, false, false).metrics).map(
    (m) => ({ ...m }),
  )
  return {
    metrics,
    defaultMetric: 0,
    frames,
    samples: (builder ?? new SamplesBuilder(metrics.length)).finish(),
    meta,
  }
}

/** A frame as (name, file, line): `file:func:line`, `func (file:line)`, `func (file)`, or a bare name. */
function parseFrame(
  token: string,
  dialect: PythonDialect,
): { name: string; file?: string; line: number } | undefined {
  if (token === '') return undefined
  if (dialect === 'austin' && token.endsWith(')')) {
    const open = token.lastIndexOf(' (')
    if (open > 0) {
      const inner = token.slice(open + 2, -1)
      const colon = inner.lastIndexOf(':')
      const line = colon > 0 ? parseInteger(inner.slice(colon + 1)) : NaN
      return Number.isNaN(line)
        ? { name: token.slice(0, open), file: inner, line: 0 }
        : { name: token.slice(0, open), file: inner.slice(0, colon), line }
    }
  }
  if (token === ':GC:') return { name: '<GC>', line: 0 }
  const last = token.lastIndexOf(':')
  if (last < 0) return { name: token, line: 0 }
  const line = parseInteger(token.slice(last + 1))
  if (Number.isNaN(line)) {
    // austin -a: `file:func` followed by an `L<line>` frame.
    return { name: token.slice(last + 1), file: token.slice(0, last), line: 0 }
  }
  const second = token.lastIndexOf(':', last - 1)
  if (second < 0) return { name: token.slice(0, last), line }
  return { name: token.slice(second + 1, last), file: token.slice(0, second), line }
}

/** A decimal integer, possibly negative; NaN for anything else. */
function parseInteger(token: string): number {
  if (!/^-?\d{1,15}$/.test(token)) return NaN
  return Number(token)
}

function quote(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)
}

/**
 * One profile per thread (the `thread` label; samples without one go to a profile of their own)
 * of a profile read by `readPythonFolded`: the same frames, each thread's stacks in a tree of its
 * own, lines and labels kept. The profile's name says the thread.
 */
export function splitPythonThreads(profile: Profile): Profile[] {
  const samples = profile.samples
  if (!samples) return [profile]
  const M = profile.metrics.length
  const threads = new Map<string, { builder: SamplesBuilder; nodes: Map<number, number> }>()
  const values = new Array<number>(M).fill(0)
  const path: number[] = []
  for (let i = 0; i < samples.stack.length; i++) {
    const labels = samples.labels?.[i]
    const thread = labels?.find((l) => l.key === 'thread')?.str ?? ''
    let t = threads.get(thread)
    if (!t) threads.set(thread, (t = { builder: new SamplesBuilder(M), nodes: new Map() }))
    // The sample's node in the thread's own tree: copy the path below the deepest copied node.
    let node = samples.stack[i]
    path.length = 0
    while (node >= 0 && !t.nodes.has(node)) {
      path.push(node)
      node = samples.tree.parent(node)
    }
    let copy = node >= 0 ? t.nodes.get(node)! : -1
    for (let k = path.length - 1; k >= 0; k--) {
      const n = path[k]
      copy = t.builder.tree.child(copy, samples.tree.frame(n), samples.tree.line(n))
      t.nodes.set(n, copy)
    }
    for (let m = 0; m < M; m++) values[m] = samples.values[m][i]
    t.builder.add(copy, values, labels)
  }
  return [...threads].map(([thread, t]) => ({
    ...profile,
    samples: t.builder.finish(),
    meta: {
      ...profile.meta,
      name: thread === '' ? 'no thread' : `thread ${thread}`,
      comments: [...profile.meta.comments],
      notes: [...profile.meta.notes],
    },
  }))
}

/** The `pythonThreads` option: `merge` (default, threads as labels) or `separate`. */
export function pythonThreads(options: ReadOptions, format: string): 'merge' | 'separate' {
  const value = options.pythonThreads ?? 'merge'
  if (value !== 'merge' && value !== 'separate')
    throw new ProfconvError(
      format,
      `--python-threads must be merge or separate, not ${String(value)}`,
    )
  return value
}

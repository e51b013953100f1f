import {
  ProfconvError,
  nanosecondsPer,
  resolveMetric,
  type Frame,
  type Metric,
  type Profile,
  type WriteOptions,
} from '@profconv/model'
import { CATEGORIES, categoryOf } from './categories.js'
import { VERSION } from './version.js'
import { LAID_OUT, metricEntry } from './written-metrics.js'

/** The processed-format version profconv writes (the profiler upgrades it to its own on load). */
export const WRITTEN_VERSION = 70

type WeightType = 'samples' | 'tracing-ms' | 'bytes'

/** How a metric is carried: time as `tracing-ms` (milliseconds), bytes as `bytes`, else `samples`. */
export function weightTypeOf(metric: Metric): { type: WeightType; scale: number } {
  const ns = nanosecondsPer(metric.unit)
  if (ns !== undefined) return { type: 'tracing-ms', scale: ns / 1e6 }
  if (metric.unit === 'bytes') return { type: 'bytes', scale: 1 }
  return { type: 'samples', scale: 1 }
}

/**
 * Writes `profile` (which must have samples) as a processed Firefox Profiler profile, version
 * 70: shared tables (strings, stacks, frames with their lines, functions with file, line and
 * column, libraries as resources, sources), and one thread per metric (or only
 * `options.metric`), each sample weighted by that metric — time in milliseconds (`tracing-ms`),
 * bytes as `bytes`, counts and other units as `samples`. The default metric's thread is
 * selected. Frames get a category by language (JavaScript, Python, Native, Other). Sample times
 * are the source's where it has them for every sample, in order; otherwise samples are laid out
 * one after another. The profile's notes go into `meta.extra` (shown in the profiler's
 * profile info) and the source format into `meta.importedFrom`.
 */
export function writeFirefox(profile: Profile, options: WriteOptions = {}): string {
  return writeFirefoxProfiles([profile], options)
}

/**
 * Several profiles in one file: their threads side by side over one set of shared tables (as
 * `writeFirefox` writes one). The first profile gives the file's meta.
 */
export function writeFirefoxProfiles(
  profiles: readonly Profile[],
  options: WriteOptions = {},
): string {
  if (profiles.length === 0) throw new ProfconvError('firefox', 'no profile to write')
  const tables = new SharedTables()
  const threads: object[] = []
  const notes: string[] = []
  const metrics: Metric[] = []
  let selected = 0
  let laidOut = false
  for (const profile of profiles) {
    const samples = profile.samples
    if (!samples) throw new ProfconvError('firefox', 'the profile has no samples to write')
    const chosen =
      options.metric !== undefined
        ? [resolveMetric(profile.metrics, profile.defaultMetric, options.metric)]
        : profile.metrics.map((_, m) => m)
    const stackOffset = tables.add(profile)
    const own = [...profile.meta.notes]
    if (profile === profiles[0]) selected = Math.max(0, chosen.indexOf(profile.defaultMetric))
    for (const m of chosen) {
      const metric = profile.metrics[m]
      const { type, scale } = weightTypeOf(metric)
      if (type === 'samples' && metric.unit !== 'count') {
        const note = `metric '${metric.name}' (${metric.unit}) has no Firefox Profiler weight type: written as weight type 'samples', the values unchanged`
        own.push(note)
        profile.meta.notes.push(note)
      }
      const base = profile.meta.name ?? 'profile'
      const name = chosen.length > 1 ? `${base} — ${metric.name}` : base
      metrics.push(metric)
      const t = thread(profile, m, threads.length, name, type, scale, stackOffset)
      laidOut ||= t.laidOut
      threads.push(t.thread)
    }
    notes.push(...own)
  }

  const first = profiles[0]
  const name = first.meta.name ?? 'profile'
  const file = {
    meta: {
      interval: intervalOf(first),
      startTime: first.meta.startTime ?? 0,
      processType: 0,
      product: name,
      stackwalk: 0,
      version: 36,
      preprocessedProfileVersion: WRITTEN_VERSION,
      categories: CATEGORIES,
      markerSchema: [],
      symbolicated: true,
      importedFrom: `profconv@${VERSION} (${first.meta.format})`,
      initialSelectedThreads: [selected],
      extra: [
        {
          label: 'profconv',
          entries: [
            { label: 'Converted from', format: 'string', value: first.meta.format },
            ...profiles.flatMap((p) =>
              p.meta.comments.map((c) => ({ label: 'Comment', format: 'string', value: c })),
            ),
            ...notes.map((n) => ({ label: 'Note', format: 'string', value: n })),
            ...metrics.map((metric, t) => metricEntry(t, metric)),
            ...(laidOut ? [LAID_OUT] : []),
          ],
        },
      ],
    },
    libs: [],
    pages: [],
    shared: tables.finish(),
    threads,
  }
  return JSON.stringify(file)
}

function thread(
  p: Profile,
  m: number,
  index: number,
  name: string,
  type: WeightType,
  scale: number,
  stackOffset: number,
) {
  const samples = p.samples!
  const values = samples.values[m]
  const times = samples.time
  const useTimes = times !== undefined && inOrder(times)
  const stack: (number | null)[] = []
  const time: number[] = []
  const weight: number[] = []
  let at = 0
  const step = intervalOf(p)
  for (let s = 0; s < values.length; s++) {
    const value = values[s]
    if (value === 0) continue
    const w = value * scale
    const node = samples.stack[s]
    stack.push(node < 0 ? null : node + stackOffset)
    weight.push(w)
    time.push(useTimes ? times[s] / 1e6 : at)
    at += type === 'tracing-ms' ? w : step
  }
  const thread = {
    processType: 'default',
    processStartupTime: 0,
    processShutdownTime: null,
    registerTime: 0,
    unregisterTime: null,
    pausedRanges: [],
    name,
    isMainThread: index === 0,
    processName: 'profconv',
    pid: '1',
    tid: index + 1,
    samples: { stack, time, weight, weightType: type, length: stack.length },
    markers: { data: [], name: [], startTime: [], endTime: [], phase: [], category: [], length: 0 },
  }
  return { thread, laidOut: !useTimes && stack.length > 0 }
}

/**
 * The shared tables of the processed format, filled profile by profile: strings, one function
 * per frame (with its library as a resource and its file as a source), one frame-table row per
 * (function, line) pair a stack-tree node uses, one stack per node.
 */
class SharedTables {
  private readonly strings: string[] = []
  private readonly stringIds = new Map<string, number>()
  private readonly resourceIds = new Map<string, number>()
  private readonly sourceIds = new Map<string, number>()
  private readonly resources = {
    length: 0,
    name: [] as number[],
    host: [] as null[],
    type: [] as number[],
  }
  private readonly sources = {
    length: 0,
    id: [] as null[],
    filename: [] as number[],
    startLine: [] as number[],
    startColumn: [] as number[],
    sourceMapURL: [] as null[],
    content: [] as null[],
  }
  private readonly funcs = {
    name: [] as number[],
    isJS: [] as boolean[],
    relevantForJS: [] as boolean[],
    resource: [] as number[],
    source: [] as (number | null)[],
    lineNumber: [] as (number | null)[],
    columnNumber: [] as (number | null)[],
    originalLocation: [] as null[],
    length: 0,
  }
  private readonly frameFunc: number[] = []
  private readonly frameLine: (number | null)[] = []
  private readonly frameCategory: number[] = []
  private readonly stackFrame: number[] = []
  private readonly prefixOffset: number[] = []

  /** Adds `profile`'s functions, frames and stacks; returns the index of its first stack. */
  add(profile: Profile): number {
    const frames = profile.frames.frames
    const funcOffset = this.funcs.length
    const categories = frames.map((f) => this.addFunc(f))
    const tree = profile.samples!.tree
    const stackOffset = this.stackFrame.length
    const rows = new Map<number, number>()
    for (let node = 0; node < tree.length; node++) {
      const func = tree.frame(node)
      const line = tree.line(node)
      const key = line * frames.length + func
      let row = rows.get(key)
      if (row === undefined) {
        row = this.frameFunc.push(func + funcOffset) - 1
        this.frameLine.push(line > 0 ? line : null)
        this.frameCategory.push(categories[func])
        rows.set(key, row)
      }
      this.stackFrame.push(row)
      const parent = tree.parent(node)
      this.prefixOffset.push(parent < 0 ? 0 : node - parent)
    }
    return stackOffset
  }

  finish() {
    const frameCount = this.frameFunc.length
    const fill = <T>(value: T) => new Array<T>(frameCount).fill(value)
    return {
      stringArray: this.strings,
      stackTable: {
        frame: this.stackFrame,
        prefixOffset: this.prefixOffset,
        length: this.stackFrame.length,
      },
      frameTable: {
        address: fill(-1),
        lib: fill(-1),
        inlineDepth: fill(0),
        category: this.frameCategory,
        subcategory: fill(0),
        func: this.frameFunc,
        nativeSymbol: fill(null),
        innerWindowID: fill(null),
        line: this.frameLine,
        column: fill(null),
        originalLocation: fill(null),
        length: frameCount,
      },
      funcTable: this.funcs,
      resourceTable: this.resources,
      nativeSymbols: { libIndex: [], address: [], name: [], functionSize: [], length: 0 },
      sources: this.sources,
      sourceLocationTable: { source: [], line: [], column: [], length: 0 },
    }
  }

  private str(s: string): number {
    let id = this.stringIds.get(s)
    if (id === undefined) {
      id = this.strings.push(s) - 1
      this.stringIds.set(s, id)
    }
    return id
  }

  /** Adds one function; returns its category. */
  private addFunc(f: Frame): number {
    const funcs = this.funcs
    const category = categoryOf(f)
    funcs.length++
    funcs.name.push(this.str(f.name))
    funcs.isJS.push(category === JS_CATEGORY)
    funcs.relevantForJS.push(false)
    funcs.originalLocation.push(null)
    let resource = -1
    if (f.module) {
      resource = this.resourceIds.get(f.module) ?? -1
      if (resource < 0) {
        resource = this.resources.length++
        this.resources.name.push(this.str(f.module))
        this.resources.host.push(null)
        this.resources.type.push(1) // library
        this.resourceIds.set(f.module, resource)
      }
    }
    funcs.resource.push(resource)
    let source: number | null = null
    if (f.file !== undefined) {
      source = this.sourceIds.get(f.file) ?? null
      if (source === null) {
        source = this.sources.length++
        this.sources.id.push(null)
        this.sources.filename.push(this.str(f.file))
        this.sources.startLine.push(1)
        this.sources.startColumn.push(1)
        this.sources.sourceMapURL.push(null)
        this.sources.content.push(null)
        this.sourceIds.set(f.file, source)
      }
    }
    funcs.source.push(source)
    funcs.lineNumber.push(f.line !== undefined && f.line > 0 ? f.line : null)
    funcs.columnNumber.push(f.column !== undefined && f.column > 0 ? f.column : null)
    return category
  }
}

/** The sampling interval in milliseconds where the profile knows a time period, else 1. */
function intervalOf(profile: Profile): number {
  const period = profile.meta.period
  const ns = period && nanosecondsPer(period.metric.unit)
  return ns !== undefined && period && period.value > 0 ? (period.value * ns) / 1e6 : 1
}

function inOrder(times: Float64Array): boolean {
  let last = -Infinity
  for (const t of times) {
    if (!(t >= last)) return false
    last = t
  }
  return true
}

const JS_CATEGORY = CATEGORIES.findIndex((c) => c.name === 'JavaScript')

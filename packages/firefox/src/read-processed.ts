import { nanosecondsPer, type Frame, type Metric, type Profile } from '@profconv/model'
import { type Json, arrayOr, isObject, threadDetails, threadName } from './json.js'
import { writtenMetrics } from './written-metrics.js'
import {
  StackResolver,
  buildProfile,
  checkIndex,
  cpuDeltaColumn,
  cpuDeltaMetric,
  fail,
  metricOfWeightType,
  type StackColumns,
} from './thread-builder.js'

/** Newest processed version whose shape this reader knows (profiler-cli 0.10 writes 75). */
export const NEWEST_PROCESSED_VERSION = 75

const ENTRY = 'AutoEntryScript '

/**
 * Reads a processed profile (what profiler.firefox.com saves and uploads, and what Python 3.15's
 * `--gecko` writes), any version from the unannotated 0 to 75: strings per thread
 * (`stringArray`, before 56) or shared (`shared.stringArray`); tables per thread (before 60) or
 * in `shared`; `prefix` (before 66) or `prefixOffset`; `funcTable.fileName` (before 58) or
 * `source` into `shared.sources`; sample `time` or `timeDeltas`; `weight` with `weightType`.
 * One Profile per thread's samples, and one per thread's JS or native allocations.
 */
export function readProcessed(file: Json, version: number): Profile[] {
  const meta = file.meta as Json
  const shared = isObject(file.shared) ? file.shared : {}
  if (!Array.isArray(file.threads)) fail("missing 'threads'")
  // Files profconv wrote name each thread's metric: restore it (and its unit) from meta.extra.
  const { metrics: ownMetrics, laidOut } = writtenMetrics(meta)
  const startTime = typeof meta.startTime === 'number' ? meta.startTime : undefined
  // Sample times profconv laid out itself are no times at all: not read, nor the interval.
  const interval = typeof meta.interval === 'number' && !laidOut ? meta.interval : undefined
  const profiles: Profile[] = []
  const cpuMetric = cpuDeltaMetric(meta)
  file.threads.forEach((thread: unknown, t: number) => {
    if (!isObject(thread)) fail(`thread ${t} is not an object`)
    const name = threadName(thread, t)
    const where = `thread ${t} ('${name}')`
    const strings =
      arrayOr(shared.stringArray) ?? arrayOr(thread.stringArray) ?? arrayOr(thread.stringTable)
    if (!strings) fail(`${where}: no string array (shared.stringArray or thread.stringArray)`)
    const tables = isObject(shared.stackTable) ? shared : thread
    const columns = stackColumns(tables, shared, thread, strings, where, version)
    const resolver = new StackResolver(columns)
    const tableSets: [unknown, string][] = [
      [thread.samples, name],
      [thread.jsAllocations, `${name} (JS allocations)`],
      [thread.nativeAllocations, `${name} (native allocations)`],
    ]
    for (const [table, label] of tableSets) {
      if (table === undefined || table === null) continue
      if (!isObject(table)) fail(`${where}: the samples table is not an object`)
      const stack = arrayOr(table.stack)
      if (!stack) fail(`${where}, ${label}: the samples table has no 'stack' column`)
      const length = typeof table.length === 'number' ? table.length : stack.length
      if (table === thread.samples || stack.length > 0) {
        const time = laidOut ? undefined : (arrayOr(table.time) ?? arrayOr(table.timeDeltas))
        const metric = metricOfWeightType(table.weightType, where)
        const own = table === thread.samples ? ownMetrics.get(t) : undefined
        const profile = buildProfile(
          resolver,
          {
            where: `${where}, ${label}`,
            length,
            stack,
            weight: arrayOr(table.weight),
            time,
            deltas: !arrayOr(table.time) && time !== undefined,
            metric,
            extra:
              table === thread.samples
                ? cpuDeltaColumn(arrayOr(table.threadCPUDelta), cpuMetric)
                : [],
          },
          label,
          startTime,
          interval,
        )
        if (own) restoreMetric(profile, own, metric)
        profile.meta.comments.push(threadDetails(thread, t))
        profiles.push(profile)
      }
    }
  })
  if (version > NEWEST_PROCESSED_VERSION && profiles.length > 0) {
    profiles[0].meta.notes.push(
      `processed profile version ${version} is newer than ${NEWEST_PROCESSED_VERSION}, the newest profconv knows: read as far as its tables match`,
    )
  }
  return profiles
}

/** The metric profconv wrote as `written` (time in milliseconds): its name, unit and values back. */
function restoreMetric(profile: Profile, own: Metric, written: Metric): void {
  const from = nanosecondsPer(written.unit)
  const to = nanosecondsPer(own.unit)
  if ((from === undefined) !== (to === undefined)) return
  if (from !== undefined && to !== undefined && from !== to) {
    const values = profile.samples!.values[0]
    for (let i = 0; i < values.length; i++) values[i] = (values[i] * from) / to
  }
  profile.metrics[0] = { ...own }
}

function stackColumns(
  tables: Json,
  shared: Json,
  thread: Json,
  strings: unknown[],
  where: string,
  version: number,
): StackColumns {
  const table = (key: string): Json => {
    const t = tables[key]
    if (!isObject(t)) fail(`${where}: missing '${key}'`)
    return t
  }
  const stackTable = table('stackTable')
  const frameTable = table('frameTable')
  const funcTable = table('funcTable')
  const resourceTable = isObject(tables.resourceTable) ? tables.resourceTable : {}
  const column = (t: Json, key: string, what: string): unknown[] => {
    const c = arrayOr(t[key])
    if (!c) fail(`${where}: ${what} has no '${key}' column`)
    return c
  }
  const stackFrame = column(stackTable, 'frame', 'the stack table')
  const prefix = arrayOr(stackTable.prefix)
  const prefixOffset = prefix ? undefined : column(stackTable, 'prefixOffset', 'the stack table')
  const frameFunc = column(frameTable, 'func', 'the frame table')
  const frameLine = arrayOr(frameTable.line)
  const funcName = column(funcTable, 'name', 'the function table')
  const funcFile = arrayOr(funcTable.fileName)
  const funcSource = arrayOr(funcTable.source)
  const sources = isObject(shared.sources) ? arrayOr(shared.sources.filename) : undefined
  const funcLine = arrayOr(funcTable.lineNumber)
  const funcColumn = arrayOr(funcTable.columnNumber)
  const funcResource = arrayOr(funcTable.resource)
  const funcIsJS = arrayOr(funcTable.isJS)
  const resourceName = arrayOr(resourceTable.name)
  const resourceType = arrayOr(resourceTable.type)
  const resourceLib = arrayOr(resourceTable.lib)
  const libs = arrayOr(thread.libs) ?? arrayOr((shared as Json).libs)

  const string = (index: unknown, what: string): string => {
    const i = checkIndex(index, strings.length, `${where}, ${what}: string`)
    const s = strings[i]
    if (typeof s !== 'string') fail(`${where}, ${what}: string ${i} is not a string`)
    return s
  }
  const positive = (v: unknown): number | undefined =>
    typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined

  const funcFrame = (func: number): Frame => {
    const what = `function ${func}`
    let name = string(funcName[func], what)
    // Before version 17 JS entry points were labels `AutoEntryScript <reason>`; the profiler's
    // upgrader names them by the reason alone.
    if (version < 17 && name.startsWith(ENTRY)) name = name.slice(ENTRY.length)
    // Before version 4 a JS function's name held its place, `name (url:line)` or `url:line`.
    const place = version < 4 && funcIsJS?.[func] === true ? splitJsName(name) : undefined
    const frame: { -readonly [K in keyof Frame]: Frame[K] } = { name: place ? place.name : name }
    if (place) {
      frame.file = place.url
      frame.line = place.line
      return frame
    }
    const fileIndex = funcFile
      ? funcFile[func]
      : funcSource && sources && typeof funcSource[func] === 'number'
        ? sources[checkIndex(funcSource[func], sources.length, `${where}, ${what}: source`)]
        : null
    if (fileIndex !== null && fileIndex !== undefined) frame.file = string(fileIndex, what)
    const line = positive(funcLine?.[func])
    if (line !== undefined) frame.line = line
    const col = positive(funcColumn?.[func])
    if (col !== undefined) frame.column = col
    const module = moduleOf(funcResource?.[func], what)
    if (module !== undefined) frame.module = module
    return frame
  }
  // The library a function belongs to: a resource of type 1 (library) names it.
  const moduleOf = (resource: unknown, what: string): string | undefined => {
    if (typeof resource !== 'number' || resource < 0 || !resourceName) return undefined
    const r = checkIndex(resource, resourceName.length, `${where}, ${what}: resource`)
    if (resourceType && resourceType[r] !== 1) return undefined
    const lib = resourceLib?.[r]
    if (libs && typeof lib === 'number' && isObject(libs[lib])) {
      const name = (libs[lib] as Json).name
      if (typeof name === 'string') return name
    }
    return resourceName[r] === null ? undefined : string(resourceName[r], `${what}'s resource`)
  }

  return {
    where,
    stackFrame,
    stackPrefix: prefix
      ? (i) => prefix[i]
      : (i) => {
          const offset = prefixOffset![i]
          if (offset === 0) return -1
          return typeof offset === 'number' ? i - offset : offset
        },
    frameCount: frameFunc.length,
    funcOf: (f) => {
      const func = checkIndex(frameFunc[f], funcName.length, `${where}, frame ${f}: function`)
      return { key: func, frame: () => funcFrame(func) }
    },
    lineOf: (f) => positive(frameLine?.[f]) ?? 0,
  }
}

/** `name (url:line)` or `url:line` (the name is then the URL), as version 4's upgrader splits them. */
function splitJsName(text: string): { name: string; url: string; line: number } | undefined {
  const withName = /:([0-9]+)\)$/.exec(text)
  if (withName) {
    const open = text.lastIndexOf(' (', withName.index - 2)
    if (open >= 0) {
      const parts = text.slice(open + 2, withName.index).split(' -> ')
      const url = parts[parts.length - 1]
      return { name: text.slice(0, open), url, line: Number(withName[1]) }
    }
  }
  const bare = /:([0-9]+)$/.exec(text)
  if (!bare) return undefined
  const parts = text.slice(0, bare.index).split(' -> ')
  const url = parts[parts.length - 1]
  return { name: url, url, line: Number(bare[1]) }
}

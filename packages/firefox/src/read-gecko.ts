import type { Metric, Profile } from '@profconv/model'
import { type Json, arrayOr, isObject, threadDetails, threadName } from './json.js'
import { functionOfLocation } from './location.js'
import {
  StackResolver,
  buildProfile,
  checkIndex,
  cpuDeltaColumn,
  cpuDeltaMetric,
  fail,
} from './thread-builder.js'

/** Oldest and newest Gecko profile versions the Firefox Profiler's upgrader accepts. */
export const OLDEST_GECKO_VERSION = 3
export const NEWEST_GECKO_VERSION = 36

const ENTRY = 'AutoEntryScript '

/**
 * Reads a raw Gecko profile (what Firefox's profiler and samply hand to profiler.firefox.com),
 * versions 3 to 36: tables as `{schema, data}`, a `stringTable` per thread, functions implied by
 * frame location strings (see `functionOfLocation`), subprocess profiles in `processes` (or, before
 * version 5, as JSON strings among the threads), their sample times shifted to the parent's
 * start. One Profile per thread, each sample weighing 1 (the profiler ignores Gecko weights too).
 */
export function readGecko(file: Json, version: number): Profile[] {
  if (version < OLDEST_GECKO_VERSION) {
    fail(
      `Gecko profile version ${version} is older than ${OLDEST_GECKO_VERSION}, the oldest the Firefox Profiler reads`,
    )
  }
  const rootMeta = file.meta as Json
  const rootStart = typeof rootMeta.startTime === 'number' ? rootMeta.startTime : undefined
  const interval = typeof rootMeta.interval === 'number' ? rootMeta.interval : undefined
  const profiles: Profile[] = []
  // Processes are visited from a queue, not by recursion: nesting is input-controlled.
  const queue: { process: unknown; where: string }[] = [{ process: file, where: 'profile' }]
  for (let q = 0; q < queue.length; q++) {
    const { where } = queue[q]
    let process = queue[q].process
    if (typeof process === 'string') process = parseEmbedded(process, where)
    if (!isObject(process)) fail(`${where} is not an object`)
    const meta = isObject(process.meta) ? process.meta : rootMeta
    const offset =
      rootStart !== undefined && typeof meta.startTime === 'number' ? meta.startTime - rootStart : 0
    const libOf = libLocator(process.libs, where)
    if (!Array.isArray(process.threads)) fail(`${where}: missing 'threads'`)
    process.threads.forEach((thread: unknown, t: number) => {
      if (typeof thread === 'string') {
        queue.push({ process: thread, where: `${where}, embedded process ${t}` })
        return
      }
      if (!isObject(thread)) fail(`${where}, thread ${t} is not an object`)
      const profile = readThread(thread, `${where}, thread ${t}`, threadName(thread, t), {
        libOf,
        offset,
        startTime: rootStart,
        interval,
        dropEntryPrefix: version < 14,
        cpuMetric: cpuDeltaMetric(meta),
      })
      profile.meta.comments.push(threadDetails(thread, t))
      profiles.push(profile)
    })
    arrayOr(process.processes)?.forEach((sub, i) =>
      queue.push({ process: sub, where: `${where}, process ${i}` }),
    )
  }
  if (version > NEWEST_GECKO_VERSION && profiles.length > 0) {
    profiles[0].meta.notes.push(
      `Gecko profile version ${version} is newer than ${NEWEST_GECKO_VERSION}, the newest profconv knows: read as far as its tables match`,
    )
  }
  return profiles
}

function readThread(
  thread: Json,
  at: string,
  name: string,
  context: {
    libOf: (address: string) => string | undefined
    /** Milliseconds from the root profile's start to this process's. */
    offset: number
    startTime: number | undefined
    interval: number | undefined
    /** Before version 14, JS entry points were labels `AutoEntryScript <reason>`: keep the reason. */
    dropEntryPrefix: boolean
    /** The metric of the `threadCPUDelta` column, where `meta.sampleUnits` names its unit. */
    cpuMetric: Metric | undefined
  },
): Profile {
  const { libOf, offset, startTime, interval, dropEntryPrefix, cpuMetric } = context
  const where = `${at} ('${name}')`
  const strings = arrayOr(thread.stringTable) ?? arrayOr(thread.stringArray)
  if (!strings) fail(`${where}: missing 'stringTable'`)
  const stacks = schemaTable(thread.stackTable, `${where}, stackTable`)
  const frames = schemaTable(thread.frameTable, `${where}, frameTable`)
  const samples = schemaTable(thread.samples, `${where}, samples`)
  const stackFrame = stacks.column('frame', true)
  const stackPrefix = stacks.column('prefix', false)
  const location = frames.column('location', true)
  const frameLine = frames.column('line', false)
  const resolver = new StackResolver({
    where,
    stackFrame,
    stackPrefix: (i) => stackPrefix[i],
    frameCount: frames.length,
    funcOf: (f) => {
      const s = checkIndex(location[f], strings.length, `${where}, frame ${f}: location string`)
      return {
        key: s,
        frame: () => {
          const raw = strings[s]
          if (typeof raw !== 'string') fail(`${where}: string ${s} is not a string`)
          let text: string = raw
          if (dropEntryPrefix && text.startsWith(ENTRY)) text = text.slice(ENTRY.length)
          return functionOfLocation(text, libOf)
        },
      }
    },
    lineOf: (f) => {
      const line = frameLine[f]
      return typeof line === 'number' && Number.isInteger(line) && line > 0 ? line : 0
    },
  })
  const time = samples.column('time', false).map((t) => (typeof t === 'number' ? t + offset : t))
  return buildProfile(
    resolver,
    {
      where,
      length: samples.length,
      stack: samples.column('stack', true),
      time: time.length > 0 && samples.has('time') ? time : undefined,
      metric: { name: 'samples', unit: 'count' },
      extra: samples.has('threadCPUDelta')
        ? cpuDeltaColumn(samples.column('threadCPUDelta', false), cpuMetric)
        : [],
    },
    name,
    startTime,
    interval,
  )
}

/** A Gecko `{schema: {name: index}, data: [row, …]}` table, read column by column. */
function schemaTable(table: unknown, where: string) {
  if (!isObject(table) || !isObject(table.schema) || !Array.isArray(table.data))
    fail(`${where}: not a {schema, data} table`)
  const schema = table.schema
  const data: unknown[] = table.data
  for (let i = 0; i < data.length; i++) {
    if (!Array.isArray(data[i])) fail(`${where}: row ${i} is not an array`)
  }
  const rows = data as unknown[][]
  return {
    length: rows.length,
    has: (name: string) => typeof schema[name] === 'number',
    /** The column's values (null where a row is short); `required` columns must be in the schema. */
    column(name: string, required: boolean): unknown[] {
      const index = schema[name]
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
        if (required) fail(`${where}: the schema has no '${name}' column`)
        return new Array<unknown>(rows.length).fill(null)
      }
      return rows.map((row) => (index < row.length ? row[index] : null))
    },
  }
}

function parseEmbedded(text: string, where: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    return fail(`${where}: the embedded JSON does not parse (${(error as Error).message})`)
  }
}

/**
 * The library name holding an address (`0x…`), from the process's `libs` (an array, or before
 * version 4 a JSON string) with numeric `start`/`end`.
 */
function libLocator(raw: unknown, where: string): (address: string) => string | undefined {
  const list = typeof raw === 'string' ? parseEmbedded(raw, `${where}, libs`) : raw
  const libs: { start: bigint; end: bigint; name: string }[] = []
  for (const lib of arrayOr(list) ?? []) {
    if (!isObject(lib)) continue
    const { start, end } = lib
    if (typeof lib.name !== 'string' || !isSafeAddress(start) || !isSafeAddress(end)) continue
    // Before version 4 the name is the path (or a PDB's name beside it); the profiler names the
    // library by its file name.
    const name =
      typeof lib.pdbName === 'string'
        ? lib.pdbName.replace(/\.pdb$/, '')
        : lib.name.slice(lib.name.lastIndexOf('/') + 1)
    libs.push({ start: BigInt(start), end: BigInt(end), name })
  }
  return (address) => {
    if (libs.length === 0 || !/^0x[0-9a-fA-F]{1,16}$/.test(address)) return undefined
    const a = BigInt(address)
    return libs.find((lib) => lib.start <= a && a < lib.end)?.name
  }
}

function isSafeAddress(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

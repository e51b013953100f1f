import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { FORMATS } from '@profconv/core'
import {
  FrameTable,
  GraphBuilder,
  SamplesBuilder,
  isGzip,
  newMeta,
  peek,
  type FormatDescriptor,
  type Profile,
} from '@profconv/model'
import { testDataDir } from '@profconv/testkit'

/** A valid input of one format, the seed that mutations start from. */
export interface Seed {
  /** Where it came from: a path under test-data/, or `written by <format>`. */
  readonly source: string
  /** The bytes as stored (gzip where the file is gzip). */
  readonly bytes: Uint8Array
  /** The bytes to mutate: gunzipped when `gzip`, so that mutations reach the format itself. */
  readonly plain: Uint8Array
  readonly gzip: boolean
}

/** Every format with a reader, in registry order: formats added later are fuzzed too. */
export const READERS: readonly FormatDescriptor[] = FORMATS.filter((f) => f.read)

/** Seeds bigger than this are left out when a format has smaller ones (keeps runs fast). */
const SEED_SIZE = 48 * 1024

/**
 * The seeds of each reader: every file under test-data/ the registry's sniffing gives to it and
 * that it reads without error, plus what its own writer makes of a small profile (so a format
 * without fixtures, or one added later, still has a seed). Smallest first.
 */
export const SEEDS: ReadonlyMap<string, readonly Seed[]> = collectSeeds()

/** The seeds of every format together (for splices across formats). */
export const ALL_SEEDS: readonly Seed[] = [...new Set([...SEEDS.values()].flat())]

function collectSeeds(): Map<string, Seed[]> {
  const byFormat = new Map<string, Seed[]>(READERS.map((f) => [f.name, []]))
  for (const path of walk(testDataDir)) {
    const bytes = new Uint8Array(readFileSync(path))
    const head = peek(bytes)
    const format = READERS.find((f) => f.sniff?.(head))
    if (format && readsCleanly(format, bytes))
      byFormat.get(format.name)!.push(seed(relative(testDataDir, path), bytes))
  }
  for (const format of READERS) {
    if (!format.write) continue
    const written = format.write(smallProfile(format.writes ?? 'samples'), {})
    const bytes = typeof written === 'string' ? new TextEncoder().encode(written) : written
    if (readsCleanly(format, bytes))
      byFormat.get(format.name)!.push(seed(`written by ${format.name}`, bytes))
  }
  for (const [name, seeds] of byFormat) {
    if (seeds.length === 0) throw new Error(`no seed for the ${name} reader: add a fixture`)
    seeds.sort((a, b) => a.plain.length - b.plain.length)
    const small = seeds.filter((s) => s.plain.length <= SEED_SIZE)
    byFormat.set(name, small.length > 0 ? small : seeds.slice(0, 1))
  }
  return byFormat
}

function seed(source: string, bytes: Uint8Array): Seed {
  const gzip = isGzip(bytes)
  return { source, bytes, gzip, plain: gzip ? new Uint8Array(gunzipSync(bytes)) : bytes }
}

function readsCleanly(format: FormatDescriptor, bytes: Uint8Array): boolean {
  try {
    return format.read!(bytes, {}).length > 0
  } catch {
    return false
  }
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    // test-data/fuzz holds inputs that once broke a reader: regressions, not seeds.
    if (path === join(testDataDir, 'fuzz')) continue
    if (statSync(path).isDirectory()) yield* walk(path)
    else if (statSync(path).size <= 1024 * 1024) yield path
  }
}

/** A three-function profile in the view a writer works from. */
function smallProfile(view: 'samples' | 'graph'): Profile {
  const frames = new FrameTable()
  const main = frames.intern({ name: 'main', file: 'app.py', line: 1 })
  const parse = frames.intern({ name: 'parse', file: 'app.py', line: 10 })
  const lex = frames.intern({ name: 'lex', file: 'lex.py', line: 3 })
  const metrics = [{ name: 'cpu', unit: 'nanoseconds' }]
  if (view === 'samples') {
    const samples = new SamplesBuilder(1)
    samples.addStack([main, parse, lex], [30])
    samples.addStack([main, parse], [20])
    samples.addStack([main], [10])
    return { metrics, defaultMetric: 0, frames, samples: samples.finish(), meta: newMeta('test') }
  }
  const graph = new GraphBuilder(1)
  const add = (
    node: ReturnType<GraphBuilder['node']>,
    self: number,
    total: number,
    calls: number,
  ) => {
    node.self[0] = self
    node.total[0] = total
    node.calls = node.primitiveCalls = calls
  }
  add(graph.node(main), 10, 60, 1)
  add(graph.node(parse), 20, 50, 2)
  add(graph.node(lex), 30, 30, 4)
  const mp = graph.edge(main, parse)
  mp.total[0] = 50
  mp.calls = mp.primitiveCalls = 2
  const pl = graph.edge(parse, lex)
  pl.total[0] = 30
  pl.calls = pl.primitiveCalls = 4
  return { metrics, defaultMetric: 0, frames, graph: graph.finish(), meta: newMeta('test') }
}

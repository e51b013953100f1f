import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  StackTree,
  newMeta,
  readJson,
  readJsonStream,
  type Frame,
  type JsonKind,
  type JsonParser,
  type JsonPath,
  type JsonTake,
  type LineReadOptions,
  type Profile,
} from '@profconv/model'

export const FORMAT = 'ghc-prof-json'

export type GhcReadOptions = LineReadOptions

type Json = Record<string, unknown>

/**
 * Reads the JSON profile of a Haskell program built with `-prof` and run with `+RTS -pj`
 * (GHC ≥ 8.4): every node of the cost-centre tree becomes one sample whose stack is its path
 * from the root, with its own `ticks` (metric `time`, ticks × `tick_interval` µs), `alloc`
 * (bytes) and `entries` (count). Cost centres are frames: `label`, `module`, and `src_loc`'s file
 * and line where it has them. The input is read as a stream of JSON (members in any order, the
 * tree at any depth without recursion): memory grows with the tree, not with the file.
 */
export function readGhcProfJson(bytes: Uint8Array, options: GhcReadOptions = {}): Profile[] {
  return readJson(bytes, FORMAT, new GhcParser(), options)
}

/** The same from chunks (gzip accepted). */
export async function readGhcProfJsonStream(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: GhcReadOptions = {},
): Promise<Profile[]> {
  return readJsonStream(chunks, FORMAT, new GhcParser(), options)
}

class GhcParser implements JsonParser {
  private readonly fields: Json = {} // program, end_time, tick_interval, rts_arguments
  private centresSeen = false
  private centresDone = false
  private readonly frames = new FrameTable()
  private readonly ids = new Map<number, number>()
  // The tree's nodes in document order (parents first), and the path of open ones.
  private readonly parent: number[] = []
  private readonly centre: number[] = []
  private readonly ticks: number[] = []
  private readonly alloc: number[] = []
  private readonly entries: number[] = []
  private readonly open: number[] = []

  select(path: JsonPath, kind: JsonKind): JsonTake {
    const depth = path.length
    if (depth === 0) {
      if (kind !== 'object') fail('the file is not a JSON object')
      return 'enter'
    }
    const key = path[0]
    if (depth === 1) {
      if (key === 'cost_centres') {
        if (kind !== 'array') fail("missing 'cost_centres'")
        this.centresSeen = true
        return 'enter'
      }
      if (key === 'profile') {
        if (kind !== 'object') fail("missing 'profile'")
        this.node()
        return 'enter'
      }
      return key === 'program' ||
        key === 'end_time' ||
        key === 'tick_interval' ||
        key === 'rts_arguments'
        ? 'value'
        : 'skip'
    }
    if (key === 'cost_centres') return depth === 2 ? 'value' : 'skip'
    if (key !== 'profile') return 'skip'
    // In the tree: a node at an odd depth, its members at even ones.
    if (depth % 2 === 1) {
      if (kind !== 'object') fail(`${pathText(path)} is not an object`)
      this.node()
      return 'enter'
    }
    const field = path[depth - 1]
    if (field === 'children') {
      if (kind !== 'array') fail(`${pathText(path)} is not an array`)
      return 'enter'
    }
    return field === 'id' || field === 'ticks' || field === 'alloc' || field === 'entries'
      ? 'value'
      : 'skip'
  }

  private node(): void {
    const k = this.parent.length
    this.parent.push(this.open.length > 0 ? this.open[this.open.length - 1] : -1)
    this.centre.push(NaN)
    this.ticks.push(0)
    this.alloc.push(0)
    this.entries.push(0)
    this.open.push(k)
  }

  value(path: JsonPath, value: unknown): void {
    const key = path[0]
    if (path.length === 1) this.fields[key] = value
    else if (key === 'cost_centres') this.costCentre(path[1] as number, value)
    else {
      const k = this.open[this.open.length - 1]
      const field = path[path.length - 1]
      if (field === 'id') {
        if (typeof value !== 'number' || (this.centresDone && !this.ids.has(value))) {
          fail(`${pathText(path)} names no cost centre: ${JSON.stringify(value)}`)
        }
        this.centre[k] = value
      } else {
        if (!isNumber(value)) number(value, pathText(path))
        const n = value as number
        if (field === 'ticks') this.ticks[k] = n
        else if (field === 'alloc') this.alloc[k] = n
        else this.entries[k] = n
      }
    }
  }

  leave(path: JsonPath): void {
    if (path[0] === 'cost_centres' && path.length === 1) this.centresDone = true
    else if (path[0] === 'profile' && path.length % 2 === 1) {
      const k = this.open.pop()!
      if (Number.isNaN(this.centre[k])) fail(`${pathText(path)}.id names no cost centre: undefined`)
    }
  }

  private costCentre(i: number, centre: unknown): void {
    if (!isObject(centre)) fail(`cost_centres[${i}] is not an object`)
    if (typeof centre.id !== 'number' || typeof centre.label !== 'string') {
      fail(`cost_centres[${i}] has no id or label`)
    }
    this.ids.set(centre.id, this.frames.add(frameOf(centre)))
  }

  finish(): Profile[] {
    if (!this.centresSeen) fail("missing 'cost_centres'")
    if (this.parent.length === 0) fail("missing 'profile'")
    const { program, end_time: end, rts_arguments: rts } = this.fields
    const interval = number(this.fields.tick_interval ?? 0, 'tick_interval')
    const tree = new StackTree()
    const builder = new SamplesBuilder(3, tree)
    const at = new Int32Array(this.parent.length)
    const values = [0, 0, 0]
    for (let k = 0; k < at.length; k++) {
      const frame = this.ids.get(this.centre[k])
      if (frame === undefined) {
        fail(`a profile node's id names no cost centre: ${JSON.stringify(this.centre[k])}`)
      }
      const parent = this.parent[k]
      at[k] = tree.child(parent < 0 ? -1 : at[parent], frame)
      const time = this.ticks[k] * interval
      if (!Number.isFinite(time)) fail(`a profile node's ticks × tick_interval is out of range`)
      values[0] = time
      values[1] = this.alloc[k]
      values[2] = this.entries[k]
      if (time > 0 || values[1] > 0 || values[2] > 0) builder.add(at[k], values)
    }

    const meta = newMeta(FORMAT)
    if (typeof program === 'string') meta.name = program
    if (typeof end === 'string') meta.comments.push(`end time: ${end}`)
    if (Array.isArray(rts)) meta.comments.push(`RTS arguments: ${rts.join(' ')}`)
    if (interval > 0) {
      meta.period = { metric: { name: 'time', unit: 'microseconds' }, value: interval }
    }
    return [
      {
        metrics: [
          { name: 'time', unit: 'microseconds' },
          { name: 'alloc', unit: 'bytes' },
          { name: 'entries', unit: 'count' },
        ],
        defaultMetric: 0,
        frames: this.frames,
        samples: builder.finish(),
        meta,
      },
    ]
  }
}

/** `profile.children[3].children[0]`: a place in the tree as users read it. */
function pathText(path: JsonPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')
}

/** `label` in `module`; `src_loc` `Main.hs:(12,1)-(14,30)` or `Main.hs:12:1-30` gives file and line. */
function frameOf(centre: Json): Frame {
  const frame: { -readonly [K in keyof Frame]: Frame[K] } = { name: centre.label as string }
  if (typeof centre.module === 'string' && centre.module !== '') frame.module = centre.module
  const loc = typeof centre.src_loc === 'string' ? centre.src_loc : ''
  if (loc !== '' && !loc.startsWith('<')) {
    const m = /^(.*?):\(?(\d+)[,:]/.exec(loc)
    if (m) {
      frame.file = m[1]
      frame.line = Number(m[2])
    } else frame.file = loc
  }
  return frame
}

function isNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

function number(value: unknown, what: string): number {
  if (!isNumber(value)) {
    fail(`${what} is not a non-negative number: ${JSON.stringify(value)}`)
  }
  return value as number
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}

import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  StackTree,
  maybeGunzip,
  newMeta,
  parseJson,
  type Frame,
  type Profile,
  type ReadOptions,
} from '@profconv/model'

export const FORMAT = 'ghc-prof-json'

type Json = Record<string, unknown>

/**
 * Reads the JSON profile of a Haskell program built with `-prof` and run with `+RTS -pj`
 * (GHC ≥ 8.4): every node of the cost-centre tree becomes one sample whose stack is its path
 * from the root, with its own `ticks` (metric `time`, ticks × `tick_interval` µs), `alloc`
 * (bytes) and `entries` (count). Cost centres are frames: `label`, `module`, and `src_loc`'s file
 * and line where it has them.
 */
export function readGhcProfJson(bytes: Uint8Array, options: ReadOptions = {}): Profile[] {
  const file = parseJson(maybeGunzip(bytes, FORMAT, options.maxInputSize), FORMAT)
  if (!isObject(file)) fail('the file is not a JSON object')
  if (!Array.isArray(file.cost_centres)) fail("missing 'cost_centres'")
  if (!isObject(file.profile)) fail("missing 'profile'")
  const interval = number(file.tick_interval ?? 0, 'tick_interval')

  const frames = new FrameTable()
  const ids = new Map<number, number>()
  file.cost_centres.forEach((centre, i) => {
    if (!isObject(centre)) fail(`cost_centres[${i}] is not an object`)
    if (typeof centre.id !== 'number' || typeof centre.label !== 'string') {
      fail(`cost_centres[${i}] has no id or label`)
    }
    ids.set(centre.id, frames.add(frameOf(centre)))
  })

  const tree = new StackTree()
  const builder = new SamplesBuilder(3, tree)
  // Iterative depth-first walk: the tree may be deeper than any call stack allows.
  const pending: { node: unknown; parent: number; path: string }[] = [
    { node: file.profile, parent: -1, path: 'profile' },
  ]
  while (pending.length > 0) {
    const { node, parent, path } = pending.pop()!
    if (!isObject(node)) fail(`${path} is not an object`)
    const frame = ids.get(node.id as number)
    if (frame === undefined) fail(`${path}.id names no cost centre: ${JSON.stringify(node.id)}`)
    const at = tree.child(parent, frame)
    const ticks = number(node.ticks ?? 0, `${path}.ticks`)
    const alloc = number(node.alloc ?? 0, `${path}.alloc`)
    const entries = number(node.entries ?? 0, `${path}.entries`)
    const time = ticks * interval
    if (!Number.isFinite(time)) fail(`${path}.ticks × tick_interval is out of range`)
    if (ticks > 0 || alloc > 0 || entries > 0) builder.add(at, [time, alloc, entries])
    const children = node.children ?? []
    if (!Array.isArray(children)) fail(`${path}.children is not an array`)
    for (let k = children.length - 1; k >= 0; k--) {
      pending.push({ node: children[k], parent: at, path: `${path}.children[${k}]` })
    }
  }

  const meta = newMeta(FORMAT)
  if (typeof file.program === 'string') meta.name = file.program
  if (typeof file.end_time === 'string') meta.comments.push(`end time: ${file.end_time}`)
  if (Array.isArray(file.rts_arguments)) {
    meta.comments.push(`RTS arguments: ${file.rts_arguments.join(' ')}`)
  }
  if (interval > 0)
    meta.period = { metric: { name: 'time', unit: 'microseconds' }, value: interval }
  return [
    {
      metrics: [
        { name: 'time', unit: 'microseconds' },
        { name: 'alloc', unit: 'bytes' },
        { name: 'entries', unit: 'count' },
      ],
      defaultMetric: 0,
      frames,
      samples: builder.finish(),
      meta,
    },
  ]
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

function number(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(`${what} is not a non-negative number: ${JSON.stringify(value)}`)
  }
  return value
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(reason: string): never {
  throw new ProfconvError(FORMAT, reason)
}

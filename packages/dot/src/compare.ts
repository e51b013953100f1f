import {
  ProfconvError,
  graphOf,
  shareTotals,
  nanosecondsPer,
  type Frame,
  type Metric,
  type Profile,
} from '@profconv/model'
import { baseName } from './label.js'
import { COLOR_THEME, weightColor, type Theme } from './theme.js'

/** The base profile's costs, seen from the frames of the profile being drawn. */
export interface Comparison {
  /** The base's self and total of a drawn frame (in the drawn metric's unit); none when new. */
  node(frame: number): { self: number; total: number } | undefined
  /** The base's total along a call between two drawn frames; none when the call is new. */
  edge(caller: number, callee: number): number | undefined
  /** The base profile's total, in the drawn metric's unit: change percentages are of it. */
  total: number
  notes: string[]
}

/**
 * How a frame is recognised in the other profile, strictest first. A frame is matched at the
 * first level where exactly one unmatched base frame has its key (and no other drawn frame
 * shares that key), so a looser level never pairs two functions a stricter one tells apart:
 * 1. name, file, line and module (the function's identity);
 * 2. name and file (the function moved within its file: lines shift when code is edited);
 * 3. name and the base name of its file or module (another checkout or build directory);
 * 4. name alone, when it is unique on both sides and one side does not know where the
 *    function is (folded stacks have no file or module); two known places that differ in base
 *    name are two functions.
 */
const LEVELS: ((f: Frame) => string | undefined)[] = [
  (f) => `${f.name}\0${f.file ?? ''}\0${f.line ?? ''}\0${f.module ?? ''}`,
  (f) => `${f.name}\0${f.file ?? ''}`,
  (f) => {
    const where = f.file ?? f.module
    return where === undefined ? undefined : `${f.name}\0${baseName(where)}`
  },
  (f) => f.name,
]
const LEVEL_NAMES = ['', 'name and file (lines differ)', 'name and file base name', 'name only']

/**
 * Matches `profile`'s frames with `base`'s by identity and reads the base's costs of the same
 * metric (by name, else the base's default metric), converted to the drawn metric's unit when
 * both are times. When the units cannot be converted, the base is scaled to the same total
 * (shares are compared) and a note says so.
 */
export function compareWith(
  profile: Profile,
  m: number,
  base: Profile,
  nodeThres: number,
): Comparison {
  const notes: string[] = []
  const metric = profile.metrics[m]
  let bm = base.metrics.findIndex((b) => b.name === metric.name)
  if (bm < 0) {
    bm = base.defaultMetric
    notes.push(
      `--compare: the base has no metric '${metric.name}'; compared with its '${base.metrics[bm].name}'`,
    )
  }
  const graph = graphOf(profile)
  const baseGraph = graphOf(base)
  const total = shareTotals(graph, profile.metrics.length)[m]
  const baseRaw = shareTotals(baseGraph, base.metrics.length)[bm]
  let scale = unitScale(base.metrics[bm], metric)
  if (scale === undefined) {
    scale = baseRaw > 0 ? total / baseRaw : 1
    notes.push(
      `--compare: ${base.metrics[bm].unit} and ${metric.unit} do not convert; the base was scaled to this profile's total (shares are compared)`,
    )
  }

  // Frame ids of the base matched to frame ids of this profile, strictest identity first.
  const toBase = new Map<number, number>()
  const taken = new Set<number>()
  const counts = [0, 0, 0, 0]
  const ours = graph.nodes.map((n) => n.frame)
  const theirs = baseGraph.nodes.map((n) => n.frame)
  LEVELS.forEach((key, level) => {
    const index = (ids: number[], frames: Profile['frames'], skip: (id: number) => boolean) => {
      const byKey = new Map<string, number[]>()
      for (const id of ids) {
        if (skip(id)) continue
        const k = key(frames.get(id))
        if (k === undefined) continue
        const list = byKey.get(k)
        if (list) list.push(id)
        else byKey.set(k, [id])
      }
      return byKey
    }
    const mine = index(ours, profile.frames, (id) => toBase.has(id))
    const other = index(theirs, base.frames, (id) => taken.has(id))
    for (const [k, ids] of mine) {
      const candidates = other.get(k)
      if (ids.length !== 1 || candidates?.length !== 1) continue
      const placed = (f: Frame) => f.file !== undefined || f.module !== undefined
      if (
        level === 3 &&
        placed(profile.frames.get(ids[0])) &&
        placed(base.frames.get(candidates[0]))
      )
        continue
      toBase.set(ids[0], candidates[0])
      taken.add(candidates[0])
      counts[level]++
    }
  })
  const loose = counts
    .map((c, level) => (level > 0 && c > 0 ? `${c} by ${LEVEL_NAMES[level]}` : ''))
    .filter(Boolean)
  if (loose.length > 0)
    notes.push(
      `--compare: ${counts[0]} functions matched the base by name, file, line and module, ${loose.join(', ')}`,
    )

  const baseNodes = new Map(baseGraph.nodes.map((n) => [n.frame, n]))
  const baseEdges = new Map(baseGraph.edges.map((e) => [`${e.caller},${e.callee}`, e.total[bm]]))
  const gone = baseGraph.nodes
    .filter((n) => !taken.has(n.frame) && baseRaw > 0 && (n.total[bm] / baseRaw) * 100 >= nodeThres)
    .sort((a, b) => b.total[bm] - a.total[bm])
    .map((n) => base.frames.get(n.frame).name)
  if (gone.length > 0)
    notes.push(
      `--compare: ${gone.length} functions of the base above the node threshold are not in this profile (removed or renamed): ${gone.slice(0, 5).join(', ')}${gone.length > 5 ? ', …' : ''}`,
    )
  return {
    node(frame) {
      const b = toBase.get(frame)
      const n = b === undefined ? undefined : baseNodes.get(b)
      return n && { self: n.self[bm] * scale, total: n.total[bm] * scale }
    },
    edge(caller, callee) {
      const a = toBase.get(caller)
      const b = toBase.get(callee)
      if (a === undefined || b === undefined) return undefined
      const t = baseEdges.get(`${a},${b}`)
      return t === undefined ? undefined : t * scale
    },
    total: baseRaw * scale,
    notes,
  }
}

/** Factor from `from`'s unit to `to`'s; undefined when they do not convert. */
function unitScale(from: Metric, to: Metric): number | undefined {
  if (from.unit === to.unit) return 1
  const a = nanosecondsPer(from.unit)
  const b = nanosecondsPer(to.unit)
  return a !== undefined && b !== undefined ? a / b : undefined
}

/** Grey for no change, towards red for slower (more cost), towards green for faster. */
const SLOWER: Theme = { ...COLOR_THEME, minColor: [0, 0, 0.85], fontColor: 'black' }
const FASTER: Theme = { ...SLOWER, minColor: [1 / 3, 0, 0.85], maxColor: [1 / 3, 1, 0.4] }

/**
 * The colour of a change: `change` is a share of the base total (signed), `largest` the largest
 * absolute change drawn; changes within `tolerance` percent of the base total are grey.
 */
export function changeColor(change: number, largest: number, tolerance: number): string {
  if (Math.abs(change) * 100 <= tolerance || largest <= 0) return weightColor(SLOWER, 0)
  return weightColor(change > 0 ? SLOWER : FASTER, Math.abs(change) / largest)
}

/** `+3.00%` / `-1.25%` / `±0.00%`: a change as a share of the base total. */
export function signedPercent(change: number): string {
  const text = (Math.abs(change) * 100).toFixed(2)
  if (text === '0.00') return '±0.00%'
  return `${change > 0 ? '+' : '-'}${text}%`
}

export function checkTolerance(tolerance: number): number {
  if (!(tolerance >= 0))
    throw new ProfconvError('dot', `--compare-tolerance must be 0 or more, not ${tolerance}`)
  return tolerance
}

import {
  frameText,
  graphTotals,
  shareTotals,
  resolveMetric,
  stacklessCost,
  type GraphNode,
  type Granularity,
  type Profile,
  type WriteOptions,
} from '@profconv/model'
import { columnUnit, formatPercent } from './units.js'

/** How rows are ordered: by self cost (pprof -top), inclusive cost (pprof -top -cum) or calls. */
export type TopSort = 'self' | 'total' | 'calls'

export interface TopOptions extends WriteOptions {
  /** Row order; default `self`. Ties go by name, as pprof's. */
  sort?: TopSort
  /** Most rows to print; 0 (the default) prints every row. */
  limit?: number
  /**
   * What a row stands for, as the profile was regrouped (`--granularity`): the header counts
   * rows in this unit (`12 lines`); default `functions`.
   */
  granularity?: Granularity
  /** ANSI colours (the CLI sets it when stdout is a terminal). */
  color?: boolean
}

const BOLD = '\u001b[1m'
const DIM = '\u001b[2m'
const RED = '\u001b[31m'
const YELLOW = '\u001b[33m'
const RESET = '\u001b[0m'

/** What the header calls `n` rows of each granularity. */
const ROWS: Record<Granularity, (n: number) => string> = {
  functions: (n) => (n === 1 ? '1 function' : `${n} functions`),
  filefunctions: (n) => `${n} ${n === 1 ? 'function' : 'functions'} (per file)`,
  files: (n) => (n === 1 ? '1 file' : `${n} files`),
  lines: (n) => (n === 1 ? '1 line' : `${n} lines`),
  addresses: (n) => (n === 1 ? '1 address' : `${n} addresses`),
}

/**
 * The functions of a profile (or its files, lines, …: `granularity`) as a table, one row each: `flat flat% sum% cum cum% calls name`,
 * like `go tool pprof -top` (flat = self cost, cum = inclusive cost, sum% = running total of
 * flat%) with print_stats' call counts (`total/primitive` when they differ). One metric
 * (`--metric`, default the profile's), in one unit per table named in the header. Functions with
 * neither cost nor calls are left out, as pprof leaves them out. The total counts samples without
 * a stack, which no row holds, as pprof's does.
 */
export function writeTop(profile: Profile, options: TopOptions = {}): string {
  const graph = profile.graph!
  const m = resolveMetric(profile.metrics, profile.defaultMetric, options.metric)
  const metric = profile.metrics[m]
  // Samples without a stack are in no row but in the total, as in pprof's `N of M total`.
  const stackless = profile.samples ? stacklessCost(profile.samples, m).cost[m] : 0
  const total = graphTotals(graph, profile.metrics.length)[m] + stackless
  // Shares are of the larger of the total and the largest row total (no row above 100 %).
  const whole = Math.max(shareTotals(graph, profile.metrics.length)[m], total)
  const hasCalls = graph.nodes.some((n) => n.calls !== undefined)
  const shown = graph.nodes.filter((n) => n.self[m] !== 0 || n.total[m] !== 0 || (n.calls ?? 0) > 0)
  // Per shown function, by index: cost columns and names, read once (no Map keyed by node).
  const self = Float64Array.from(shown, (n) => n.self[m])
  const inclusive = Float64Array.from(shown, (n) => n.total[m])
  const names = shown.map((n) => frameText(profile.frames.get(n.frame)))
  const rows = sortRows(shown, options.sort ?? 'self', self, inclusive, names)
  const limit = options.limit && options.limit > 0 ? options.limit : rows.length
  const listed = rows.subarray(0, limit)

  const shownValues = new Float64Array(2 * listed.length)
  listed.forEach((r, i) => {
    shownValues[2 * i] = self[r]
    shownValues[2 * i + 1] = inclusive[r]
  })
  const unit = columnUnit(metric.unit, shownValues, total)
  const percent = (v: number) => formatPercent(whole === 0 ? 0 : (100 * v) / whole)
  // The cells column by column (a row of arrays per function was most of the time here).
  const columns: string[][] = [[], [], [], [], [], ...(hasCalls ? [[]] : []), []]
  const [flat, flatShare, sumShare, cum, cumShare] = columns
  const calls = hasCalls ? columns[5] : []
  const name = columns[columns.length - 1]
  let sum = 0
  // Rows of one self cost are next to each other (sorted by it, most often): formatted once.
  let lastSelf = NaN
  let lastFlat = ''
  let lastFlatShare = ''
  for (const r of listed) {
    sum += self[r]
    if (self[r] !== lastSelf) {
      lastSelf = self[r]
      lastFlat = unit.format(lastSelf)
      lastFlatShare = percent(lastSelf)
    }
    flat.push(lastFlat)
    flatShare.push(lastFlatShare)
    sumShare.push(percent(sum))
    cum.push(unit.format(inclusive[r]))
    cumShare.push(percent(inclusive[r]))
    if (hasCalls) calls.push(callsText(shown[r]))
    name.push(names[r])
  }
  const header = ['flat', 'flat%', 'sum%', 'cum', 'cum%', ...(hasCalls ? ['calls'] : []), 'name']
  const unitName = unit.symbol ? ` (${unit.symbol})` : ''
  header[0] += unitName
  header[3] += unitName
  const last = header.length - 1
  const widths = header.map((h, c) => {
    let width = c === last ? 0 : h.length
    if (c !== last) for (const cell of columns[c]) width = Math.max(width, cell.length)
    return width
  })
  /** One line of the table: every cell but the last right-aligned, two spaces apart. */
  const line = (cell: (c: number) => string) => {
    let text = cell(0).padStart(widths[0])
    for (let c = 1; c < last; c++) text += `  ${cell(c).padStart(widths[c])}`
    return `${text}  ${cell(last)}`.trimEnd()
  }

  const paint = (text: string, code: string) => (options.color ? `${code}${text}${RESET}` : text)
  let shownSelf = 0
  for (const r of listed) shownSelf += self[r]
  const title =
    `${metric.name} (${metric.unit}): ${listed.length === rows.length ? 'all' : `top ${listed.length} of`} ` +
    `${ROWS[options.granularity ?? 'functions'](rows.length)}, accounting for ${unit.format(shownSelf)}${unitName.replace(/[()]/g, '')} ` +
    `(${percent(shownSelf).trim()}) of ${unit.format(total)}${unitName.replace(/[()]/g, '')} total`
  const out = [
    paint(title, DIM),
    paint(
      line((c) => header[c]),
      BOLD,
    ),
  ]
  listed.forEach((r, i) => {
    const text = line((c) => columns[c][i])
    const share = whole === 0 ? 0 : Math.abs(self[r] / whole)
    out.push(
      share >= 0.1
        ? paint(text, RED)
        : share >= 0.01
          ? paint(text, YELLOW)
          : self[r] === 0
            ? paint(text, DIM)
            : text,
    )
  })
  return `${out.join('\n')}\n`
}

function callsText(n: GraphNode): string {
  if (n.calls === undefined) return '-'
  if (n.primitiveCalls === undefined || n.primitiveCalls === n.calls) return String(n.calls)
  return `${n.calls}/${n.primitiveCalls}`
}

/**
 * The indexes of `nodes` in `sort` order; ties by name, then by the other cost, as pprof orders
 * its nodes.
 */
function sortRows(
  nodes: GraphNode[],
  sort: TopSort,
  self: Float64Array,
  inclusive: Float64Array,
  names: string[],
): Int32Array {
  // Keys in columns, an index array sorted: 50k rows make ~800k comparisons, most of them ties
  // on cost (3x faster than sorting objects that hold keys).
  const first =
    sort === 'self'
      ? self.map(Math.abs)
      : sort === 'total'
        ? inclusive.map(Math.abs)
        : Float64Array.from(nodes, (n) => n.calls ?? -1)
  const other = (sort === 'self' ? inclusive : self).map(Math.abs)
  const order = Int32Array.from(nodes, (_, i) => i)
  order.sort(
    (a, b) =>
      first[b] - first[a] ||
      (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0) ||
      other[b] - other[a] ||
      a - b,
  )
  return order
}

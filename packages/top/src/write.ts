import {
  frameText,
  graphTotals,
  resolveMetric,
  type GraphNode,
  type Profile,
  type WriteOptions,
} from '@profconv/model'
import { columnUnit, formatPercent } from './units.js'

/** How rows are ordered: by self cost (pprof -top), inclusive cost (pprof -top -cum) or calls. */
export type TopSort = 'self' | 'total' | 'calls'

export interface TopOptions extends WriteOptions {
  /** Row order; default `self`. Ties go by name, as pprof's. */
  sort?: TopSort
  /** Most rows to print; 0 (the default) prints every function. */
  limit?: number
  /** ANSI colours (the CLI sets it when stdout is a terminal). */
  color?: boolean
}

const BOLD = '\u001b[1m'
const DIM = '\u001b[2m'
const RED = '\u001b[31m'
const YELLOW = '\u001b[33m'
const RESET = '\u001b[0m'

/**
 * The functions of a profile as a table, one row each: `flat flat% sum% cum cum% calls name`,
 * like `go tool pprof -top` (flat = self cost, cum = inclusive cost, sum% = running total of
 * flat%) with print_stats' call counts (`total/primitive` when they differ). One metric
 * (`--metric`, default the profile's), in one unit per table named in the header. Functions with
 * neither cost nor calls are left out, as pprof leaves them out.
 */
export function writeTop(profile: Profile, options: TopOptions = {}): string {
  const graph = profile.graph!
  const m = resolveMetric(profile.metrics, profile.defaultMetric, options.metric)
  const metric = profile.metrics[m]
  const total = graphTotals(graph, profile.metrics.length)[m]
  const hasCalls = graph.nodes.some((n) => n.calls !== undefined)
  const shown = graph.nodes.filter((n) => n.self[m] !== 0 || n.total[m] !== 0 || (n.calls ?? 0) > 0)
  const names = new Map(shown.map((n) => [n, frameText(profile.frames.get(n.frame))]))
  const rows = sortRows(shown, options.sort ?? 'self', m, names)
  const limit = options.limit && options.limit > 0 ? options.limit : rows.length
  const listed = rows.slice(0, limit)

  const unit = columnUnit(
    metric.unit,
    listed.flatMap((n) => [n.self[m], n.total[m]]),
    total,
  )
  const percent = (v: number) => formatPercent(total === 0 ? 0 : (100 * v) / total)
  // The cells column by column (a row of arrays per function was most of the time here).
  const columns: string[][] = [[], [], [], [], [], ...(hasCalls ? [[]] : []), []]
  const [flat, flatShare, sumShare, cum, cumShare] = columns
  const calls = hasCalls ? columns[5] : []
  const name = columns[columns.length - 1]
  let sum = 0
  for (const n of listed) {
    sum += n.self[m]
    flat.push(unit.format(n.self[m]))
    flatShare.push(percent(n.self[m]))
    sumShare.push(percent(sum))
    cum.push(unit.format(n.total[m]))
    cumShare.push(percent(n.total[m]))
    if (hasCalls) calls.push(callsText(n))
    name.push(names.get(n)!)
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
  const shownSelf = listed.reduce((a, n) => a + n.self[m], 0)
  const title =
    `${metric.name} (${metric.unit}): ${listed.length === rows.length ? 'all' : `top ${listed.length} of`} ` +
    `${rows.length} functions, accounting for ${unit.format(shownSelf)}${unitName.replace(/[()]/g, '')} ` +
    `(${percent(shownSelf).trim()}) of ${unit.format(total)}${unitName.replace(/[()]/g, '')} total`
  const out = [
    paint(title, DIM),
    paint(
      line((c) => header[c]),
      BOLD,
    ),
  ]
  listed.forEach((n, i) => {
    const text = line((c) => columns[c][i])
    const share = total === 0 ? 0 : Math.abs(n.self[m] / total)
    out.push(
      share >= 0.1
        ? paint(text, RED)
        : share >= 0.01
          ? paint(text, YELLOW)
          : n.self[m] === 0
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

/** Rows in `sort` order; ties by name, then by the other cost, as pprof orders its nodes. */
function sortRows(
  nodes: GraphNode[],
  sort: TopSort,
  m: number,
  names: Map<GraphNode, string>,
): GraphNode[] {
  const key: Record<TopSort, (n: GraphNode) => number> = {
    self: (n) => Math.abs(n.self[m]),
    total: (n) => Math.abs(n.total[m]),
    calls: (n) => n.calls ?? -1,
  }
  // Keys computed once per row into columns, an index array sorted: 50k rows make ~800k
  // comparisons, most of them ties on cost (3x faster than sorting objects that hold keys).
  const first = Float64Array.from(nodes, key[sort])
  const other = Float64Array.from(nodes, sort === 'self' ? key.total : key.self)
  const name = nodes.map((n) => names.get(n)!)
  const order = Array.from(nodes, (_, i) => i)
  order.sort(
    (a, b) =>
      first[b] - first[a] ||
      (name[a] < name[b] ? -1 : name[a] > name[b] ? 1 : 0) ||
      other[b] - other[a],
  )
  return order.map((i) => nodes[i])
}

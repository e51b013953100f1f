import type { PositionDetail } from '@profconv/model'

/** A call made from one source line: the callee, its inclusive cost from there, the calls. */
export interface LineCall {
  callee: number
  total: number
  /** Undefined when the source does not count calls. */
  calls?: number
}

/** The cost of one source line of a function (metric `m`), as callgrind_annotate shows it. */
export interface LineCost {
  /** File name; '' when unknown. */
  file: string
  /** 1-based; 0 when the profile does not know the line. */
  line: number
  /** The function's own cost at the line. */
  self: number
  /** `self` plus the inclusive cost of the calls made from the line. */
  inclusive: number
  calls: LineCall[]
}

/**
 * The per-line costs of function `frame` for metric `m`, sorted by file, then line (unknown
 * lines last): its self cost at each line and the calls made there, with their inclusive cost
 * (callgrind_annotate's annotated source, `=>` lines; go tool pprof -list's flat, and its cum
 * where nothing recurses). A call of the function to itself counts in `inclusive` as in
 * callgrind_annotate.
 */
export function functionLines(d: PositionDetail, frame: number, m: number): LineCost[] {
  const M = d.metricCount
  const rows = new Map<string, LineCost>()
  const at = (file: number, line: number) => {
    const key = `${file}:${line}`
    let row = rows.get(key)
    if (!row) {
      row = { file: file < 0 ? '' : d.files[file], line, self: 0, inclusive: 0, calls: [] }
      rows.set(key, row)
    }
    return row
  }
  const { lines, sites } = d
  for (let r = 0; r < lines.length; r++) {
    if (lines.frame[r] !== frame) continue
    const row = at(lines.file[r], lines.line[r])
    row.self += lines.self[r * M + m]
    row.inclusive += lines.self[r * M + m]
  }
  for (let r = 0; r < sites.length; r++) {
    if (sites.caller[r] !== frame) continue
    const row = at(sites.file[r], sites.line[r])
    const total = sites.total[r * M + m]
    const calls = Number.isNaN(sites.calls[r]) ? undefined : sites.calls[r]
    row.inclusive += total
    const same = row.calls.find((c) => c.callee === sites.callee[r])
    if (!same) row.calls.push({ callee: sites.callee[r], total, calls })
    else {
      same.total += total
      if (calls !== undefined) same.calls = (same.calls ?? 0) + calls
    }
  }
  const order = (a: LineCost, b: LineCost) =>
    a.file !== b.file
      ? a.file < b.file
        ? -1
        : 1
      : a.line === 0 || b.line === 0
        ? (a.line === 0 ? 1 : 0) - (b.line === 0 ? 1 : 0)
        : a.line - b.line
  const out = [...rows.values()].sort(order)
  for (const row of out) row.calls.sort((a, b) => b.total - a.total)
  return out
}

/** The functions with a row at a known line. */
export function framesWithLines(d: PositionDetail | undefined): Set<number> {
  const out = new Set<number>()
  if (!d) return out
  for (let r = 0; r < d.lines.length; r++) if (d.lines.line[r] !== 0) out.add(d.lines.frame[r])
  for (let r = 0; r < d.sites.length; r++) if (d.sites.line[r] !== 0) out.add(d.sites.caller[r])
  return out
}

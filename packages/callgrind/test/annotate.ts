// Reads callgrind_annotate's tables (run with --show-percs=no), for comparing with profconv.
import type { Profile } from '@profconv/model'

export interface Reading {
  events: string[]
  /** PROGRAM TOTALS per event. */
  totals: number[]
  /** True when the totals are annotate's own sum (the file has no summary: or totals:). */
  calculated: boolean
  /** Cost per event of each function, summed over the rows of that function name. */
  byName: Map<string, number[]>
  /** How many rows each function name has. */
  rows: Map<string, number>
}

export function parseAnnotate(text: string): Reading {
  const lines = text.split('\n')
  const events = lines
    .find((l) => l.startsWith('Events shown:'))!
    .slice('Events shown:'.length)
    .trim()
    .split(/\s+/)
  const figures = (tokens: string[]) =>
    tokens.slice(0, events.length).map((t) => (t === '.' ? 0 : Number(t.replace(/,/g, ''))))
  const totalsLine = lines.find((l) => l.includes('PROGRAM TOTALS'))!
  const totals = figures(totalsLine.trim().split(/\s+/))
  const byName = new Map<string, number[]>()
  const rows = new Map<string, number>()
  const header = lines.findIndex((l) => l.endsWith('file:function'))
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === '') break
    const tokens = line.trim().split(/\s+/)
    const values = figures(tokens)
    // The rest of the line is "file:function [object]"; the file holds no ':'.
    let rest = line.trim()
    for (let i = 0; i < events.length; i++) rest = rest.replace(/^\S+\s+/, '')
    let name = rest.slice(rest.indexOf(':') + 1)
    if (name.endsWith(']')) name = name.slice(0, name.lastIndexOf(' ['))
    const sum = byName.get(name) ?? new Array<number>(events.length).fill(0)
    values.forEach((v, m) => (sum[m] += v))
    byName.set(name, sum)
    rows.set(name, (rows.get(name) ?? 0) + 1)
  }
  return { events, totals, calculated: totalsLine.includes('(calculated)'), byName, rows }
}

/**
 * Self cost per event of each function name, as callgrind_annotate 3.19 shows it: its test
 * `$curr_call_counter>0` makes it add the inclusive cost of a `calls=0` arc (which valgrind
 * writes for calls still running at a `--dump-before` dump, and `go tool pprof` for every arc)
 * to the caller's self. The reader keeps such costs on the arc, where they belong; this adds
 * them back for the comparison (arcs whose calls are all 0 are read with `calls` unknown).
 */
export function annotateSelfByName(profiles: Profile[]): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const p of profiles) {
    const add = (frame: number, values: readonly number[]) => {
      const name = p.frames.get(frame).name
      const sum = out.get(name) ?? new Array<number>(p.metrics.length).fill(0)
      values.forEach((v, m) => (sum[m] += v))
      out.set(name, sum)
    }
    for (const node of p.graph!.nodes) add(node.frame, node.self)
    for (const edge of p.graph!.edges) if (edge.calls === undefined) add(edge.caller, edge.total)
  }
  return out
}

/** Both tables as sorted text lines (functions with no cost left out), for readable diffs. */
export function table(byName: Map<string, number[]>): string {
  return [...byName]
    .filter(([, v]) => v.some((x) => x !== 0))
    .map(([name, v]) => `${name} ${v.join(' ')}`)
    .sort()
    .join('\n')
}

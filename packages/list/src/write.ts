import {
  ProfconvError,
  graphOf,
  resolveMetric,
  shareTotals,
  unitView,
  type Profile,
  type WriteOptions,
} from '@profconv/model'
import { columnUnit, formatPercent } from '@profconv/top'

export interface ListOptions extends WriteOptions {
  /**
   * Functions whose name matches this regular expression are listed (`go tool pprof -list`);
   * default: every function with a cost (as `callgrind_annotate --auto=yes` annotates all).
   */
  list?: string
  /**
   * The text of a source file by the path the profile names, undefined when it cannot be read.
   * The CLI reads files (and searches `--source-path`); in a browser, pass what you have.
   */
  readSource?: (path: string) => string | undefined
}

/** Lines shown before the first and after the last line with cost (pprof's margin). */
const MARGIN = 5

/** One line of a function's listing: its 1-based number, flat (self) and cum (inclusive) cost. */
interface LineCost {
  line: number
  flat: number
  cum: number
}

/** A function in one file: what `ROUTINE ===` blocks show. */
interface Routine {
  name: string
  file: string
  /** The line where the function starts, where the profile says. */
  start: number
  flat: number
  cum: number
  lines: LineCost[]
}

/**
 * A source listing of every function whose name matches `options.list` (default: all), like `go tool pprof
 * -list` (and `callgrind_annotate --auto=yes` per function): per source line, the flat (self)
 * cost spent at it and the cum (inclusive) cost of the samples with the line on their stack,
 * next to the line's text when `readSource` gives the file. One block per function and file,
 * headed by its flat and cum sums (cum sums per line, so recursion can count a sample at two
 * lines, as pprof's does). Per-line costs are those of `--granularity lines`: exact from samples;
 * from a call graph (callgrind) cum is the line's own cost plus its calls, estimated where calls
 * return to the function through a cycle (noted).
 */
export function writeList(profile: Profile, options: ListOptions = {}): string {
  let pattern: RegExp
  try {
    pattern = new RegExp(options.list ?? '')
  } catch (error) {
    throw new ProfconvError('list', `--list: ${(error as Error).message}`)
  }
  const m = resolveMetric(profile.metrics, profile.defaultMetric, options.metric)
  const metric = profile.metrics[m]
  const view = unitView(profile, 'lines', '-t list')
  for (const note of view.profile.meta.notes)
    if (!profile.meta.notes.includes(note)) profile.meta.notes.push(note)
  const graph = graphOf(view.profile)
  const whole = shareTotals(graph, profile.metrics.length)[m]
  const { units } = view

  const routines = new Map<string, Routine>()
  for (const node of graph.nodes) {
    const u = node.frame
    const f = units.frame[u]
    if (f < 0) continue
    const frame = profile.frames.get(f)
    if (!pattern.test(frame.name)) continue
    const file = units.file[u] < 0 ? '' : units.files[units.file[u]]
    const key = `${frame.name}\u0000${file}`
    let routine = routines.get(key)
    if (!routine) {
      routine = { name: frame.name, file, start: 0, flat: 0, cum: 0, lines: [] }
      routines.set(key, routine)
    }
    if (frame.file === file && frame.line && (!routine.start || frame.line < routine.start))
      routine.start = frame.line
    routine.flat += node.self[m]
    routine.cum += node.total[m]
    routine.lines.push({ line: units.line[u], flat: node.self[m], cum: node.total[m] })
  }
  const listed = [...routines.values()].sort((a, b) =>
    a.name !== b.name ? (a.name < b.name ? -1 : 1) : a.file < b.file ? -1 : a.file > b.file ? 1 : 0,
  )
  if (listed.length === 0 && options.list)
    throw new ProfconvError('list', `no function matches --list ${options.list}`)

  const values: number[] = [whole]
  for (const r of listed) for (const l of r.lines) values.push(l.flat, l.cum)
  const unit = columnUnit(metric.unit, values, whole)
  const text = (v: number) => `${unit.format(v)}${unit.symbol}`
  const cell = (v: number) => (v === 0 ? '.' : text(v)).padStart(10)
  const out = [`Total: ${text(whole)} (${metric.name})`]
  for (const r of listed) {
    out.push(`ROUTINE ======================== ${r.name} in ${r.file || '(no file)'}`)
    const share = whole === 0 ? 0 : (100 * r.cum) / whole
    out.push(
      `${text(r.flat).padStart(10)} ${text(r.cum).padStart(10)} (flat, cum) ${formatPercent(share)} of Total`,
    )
    const byLine = new Map<number, LineCost>()
    for (const l of r.lines) {
      if (l.line === 0) continue
      const at = byLine.get(l.line)
      if (at) {
        at.flat += l.flat
        at.cum += l.cum
      } else byLine.set(l.line, { ...l })
    }
    const numbers = [...byLine.keys()].sort((a, b) => a - b)
    if (numbers.length === 0) {
      out.push('         .          .      (no line information)')
      continue
    }
    const source = r.file ? options.readSource?.(r.file) : undefined
    const lines = source?.split(/\r?\n/)
    if (lines && lines.length > 0 && lines[lines.length - 1] === '') lines.pop()
    const first = Math.max(1, Math.min(r.start || Infinity, numbers[0] - MARGIN))
    const last = numbers[numbers.length - 1] + MARGIN
    const row = (n: number, source: string) => {
      const cost = byLine.get(n)
      out.push(
        `${cell(cost?.flat ?? 0)} ${cell(cost?.cum ?? 0)} ${String(n).padStart(6)}:${source}`,
      )
    }
    if (lines) {
      for (let n = first; n <= Math.min(last, lines.length); n++) row(n, lines[n - 1])
      // Lines past the file's end (an edited file): shown without text.
      for (const n of numbers) if (n > lines.length) row(n, '')
    } else {
      out.push(`   (source not found${r.file ? `: ${r.file}` : ''}; --source-path DIR says where)`)
      for (const n of numbers) row(n, '')
    }
  }
  return `${out.join('\n')}\n`
}

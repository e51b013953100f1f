import { FrameTable, ProfconvError, SamplesBuilder, newMeta, type Profile } from '@profconv/model'

export const FORMAT = 'hprof'

type Section = 'none' | 'trace' | 'samples' | 'times'

/**
 * Reads the text the JDK's hprof agent wrote (`java -agentlib:hprof=cpu=samples` or
 * `cpu=times`, `java.hprof.txt`; Java 5 to 8): `TRACE n:` blocks (frames leaf first,
 * `\tpkg.Class.method(File.java:line)`), then the `CPU SAMPLES` or `CPU TIME (ms)` table
 * (`rank self accum count trace method`), whose rows weight the traces.
 */
export class HprofParser {
  private section: Section = 'none'
  private readonly frames = new FrameTable()
  private readonly ids = new Map<string, number>()
  /** Frames of each trace, root first. */
  private readonly traces = new Map<number, number[]>()
  private trace: number[] | undefined
  private traceId = 0
  private kind: 'samples' | 'times' | undefined
  private total = 0
  private readonly rows: { trace: number; count: number; self: number; line: number }[] = []

  readonly line = (line: string, lineNo: number): void => {
    if (this.section === 'trace') {
      if (line.startsWith('\t')) {
        this.trace!.push(this.frameOf(line.slice(1).trim()))
        return
      }
      this.traces.set(this.traceId, this.trace!.reverse())
      this.section = 'none'
    }
    if (this.section === 'samples' || this.section === 'times') {
      if (/^CPU (SAMPLES|TIME \(ms\)) END/.test(line)) {
        this.section = 'none'
        return
      }
      if (/^rank\s+self/.test(line)) return
      const fields = line.trim().split(/\s+/)
      if (fields.length < 5)
        fail(`not a row 'rank self accum count trace method': ${quote(line)}`, lineNo)
      const count = Number(fields[3])
      const trace = Number(fields[4])
      const self = Number(fields[1].replace(',', '.').replace(/%$/, ''))
      if (!Number.isFinite(count) || !Number.isInteger(trace) || !Number.isFinite(self)) {
        fail(`not a row 'rank self accum count trace method': ${quote(line)}`, lineNo)
      }
      this.rows.push({ trace, count, self, line: lineNo })
      return
    }
    const trace = /^TRACE (\d+):/.exec(line)
    if (trace) {
      this.section = 'trace'
      this.traceId = Number(trace[1])
      this.trace = []
      return
    }
    const table = /^CPU (SAMPLES|TIME \(ms\)) BEGIN \(total = (\d+)\)/.exec(line)
    if (table) {
      if (this.kind !== undefined) fail('a second CPU table', lineNo)
      this.kind = table[1] === 'SAMPLES' ? 'samples' : 'times'
      this.section = this.kind
      this.total = Number(table[2])
    }
  }

  finish(): Profile[] {
    if (this.section === 'trace') this.traces.set(this.traceId, this.trace!.reverse())
    if (this.kind === undefined) fail('no CPU SAMPLES or CPU TIME table found')
    const times = this.kind === 'times'
    const builder = new SamplesBuilder(times ? 2 : 1)
    for (const row of this.rows) {
      const stack = this.traces.get(row.trace)
      if (!stack) fail(`the row of trace ${row.trace} names no TRACE`, row.line)
      // cpu=times: time is the row's share of the total (hprof prints no time per trace).
      builder.addStack(stack, times ? [(row.self / 100) * this.total, row.count] : [row.count])
    }
    const meta = newMeta(FORMAT)
    if (times) {
      meta.notes.push(
        "hprof: cpu=times prints each trace's share of the total time to 0.01 %: its time is that share of the total",
      )
    }
    return [
      {
        metrics: times
          ? [
              { name: 'time', unit: 'milliseconds' },
              { name: 'calls', unit: 'count' },
            ]
          : [{ name: 'samples', unit: 'count' }],
        defaultMetric: 0,
        frames: this.frames,
        samples: builder.finish(),
        meta,
      },
    ]
  }

  /**
   * `pkg.Class.method(File.java:12)` → the method in its file (the line is a call site);
   * `<empty>` (a trace without Java frames) is a frame of that name.
   */
  private frameOf(text: string): number {
    let id = this.ids.get(text)
    if (id !== undefined) return id
    const open = text.lastIndexOf('(')
    const name = open > 0 && text.endsWith(')') ? text.slice(0, open) : text
    const where = open > 0 ? text.slice(open + 1, -1) : ''
    const colon = where.lastIndexOf(':')
    const file = colon > 0 ? where.slice(0, colon) : where
    id = this.frames.intern(file && file !== 'Unknown Source' ? { name, file } : { name })
    this.ids.set(copy(text), id)
    return id
  }
}

function copy(text: string): string {
  return (text + ' ').slice(0, -1)
}

function quote(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)
}

function fail(reason: string, line?: number): never {
  throw new ProfconvError(FORMAT, reason, line === undefined ? {} : { line })
}

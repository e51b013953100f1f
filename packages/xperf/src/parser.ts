import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  newMeta,
  type Label,
  type Profile,
} from '@profconv/model'

export const FORMAT = 'xperf'

/** The columns a sample row needs, as `xperf -a dumper` names them. */
const NEEDED = ['Process Name', 'Stack', 'Module', 'Function', 'Weight', 'Count'] as const

/**
 * Reads the CSV Windows Performance Toolkit exports of sampled CPU stacks (`xperf -i x.etl -o
 * x.csv -a dumper -stacktimeshifting -target machine`): a header naming the columns, then one
 * row per sample with its process, its stack (`[Root]/module!function/…`, `?` when unknown), the
 * sampled `Module` and `Function`, its `Weight` (ms) and `Count`. Fields are separated by `, `
 * and never quoted. The Idle process's samples are left out (as gprof2dot does), with a note.
 */
export class XperfParser {
  private readonly frames = new FrameTable()
  private readonly builder = new SamplesBuilder(2)
  private readonly ids = new Map<string, number>()
  private readonly processes = new Map<string, readonly Label[]>()
  private column: Record<string, number> | undefined
  private width = 0
  private idle = 0
  private rows = 0

  readonly line = (line: string, lineNo: number): void => {
    if (line.trim() === '') return
    const cells = line.split(',').map((c) => c.trim())
    if (!this.column) {
      this.column = Object.fromEntries(cells.map((name, i) => [name, i]))
      const missing = NEEDED.filter((name) => !(name in this.column!))
      if (missing.length > 0) fail(`the header has no column ${missing.join(', ')}`, lineNo)
      this.width = cells.length
      return
    }
    if (cells.length !== this.width) {
      fail(
        `a row of ${cells.length} fields under a header of ${this.width} (a name with a comma?)`,
        lineNo,
      )
    }
    this.rows++
    const cell = (name: (typeof NEEDED)[number] | 'TimeStamp') => cells[this.column![name]]
    const weight = Number(cell('Weight'))
    const count = Number(cell('Count'))
    if (!Number.isFinite(weight) || !Number.isFinite(count) || !Number.isFinite(weight * count)) {
      fail(`Weight and Count are not numbers in range: ${cell('Weight')}, ${cell('Count')}`, lineNo)
    }
    const process = cell('Process Name')
    if (process === 'Idle') {
      this.idle += weight * count
      return
    }
    const symbol = `${cell('Module')}!${cell('Function')}`
    const stack = cell('Stack')
    let path: string[]
    if (stack === '?') {
      path = [symbol]
    } else {
      path = stack.split('/')
      if (path[0] !== '[Root]') fail(`a stack not starting at [Root]: ${quote(stack)}`, lineNo)
      path = path.slice(1)
      // The sampled function is sometimes missing from its own stack (gprof2dot adds it too).
      if (path[path.length - 1] !== symbol) path.push(symbol)
    }
    let labels = this.processes.get(process)
    if (!labels) {
      labels = [{ key: 'process', str: process }]
      this.processes.set(process, labels)
    }
    const at = this.column['TimeStamp']
    const seconds = at === undefined ? NaN : Number(cells[at])
    this.builder.addStack(
      path.map((s) => this.frame(s)),
      [weight * count, count],
      labels,
      Number.isFinite(seconds) ? seconds * 1e9 : undefined,
    )
  }

  finish(): Profile[] {
    if (!this.column) fail('no header line')
    const meta = newMeta(FORMAT)
    if (this.idle > 0) meta.notes.push(`${this.idle} ms of the Idle process left out`)
    if (this.rows === 0) fail('no sample rows')
    return [
      {
        metrics: [
          { name: 'time', unit: 'milliseconds' },
          { name: 'samples', unit: 'count' },
        ],
        defaultMetric: 0,
        frames: this.frames,
        samples: this.builder.finish(),
        meta,
      },
    ]
  }

  /** `module!function` → a frame of that module (`?!?` and bare names kept as they are). */
  private frame(symbol: string): number {
    let id = this.ids.get(symbol)
    if (id === undefined) {
      const bang = symbol.indexOf('!')
      id = this.frames.intern(
        bang > 0
          ? { name: symbol.slice(bang + 1), module: symbol.slice(0, bang) }
          : { name: symbol },
      )
      this.ids.set(symbol, id)
    }
    return id
  }
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)
}

function fail(reason: string, line?: number): never {
  throw new ProfconvError(FORMAT, reason, line === undefined ? {} : { line })
}

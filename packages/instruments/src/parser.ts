import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  StackTree,
  newMeta,
  type Metric,
  type Profile,
} from '@profconv/model'

export const FORMAT = 'instruments'

type Kind = 'time' | 'bytes' | 'cycles'

/** Units of the first column: time (to milliseconds), size (to bytes) or CPU cycles (Kc, Mc, Gc). */
const UNITS: Record<string, [kind: Kind, factor: number]> = {
  ns: ['time', 1e-6],
  µs: ['time', 1e-3],
  us: ['time', 1e-3],
  ms: ['time', 1],
  s: ['time', 1000],
  min: ['time', 60000],
  bytes: ['bytes', 1],
  b: ['bytes', 1],
  kb: ['bytes', 1024],
  mb: ['bytes', 1024 ** 2],
  gb: ['bytes', 1024 ** 3],
  c: ['cycles', 1],
  cycles: ['cycles', 1],
  kc: ['cycles', 1e3],
  mc: ['cycles', 1e6],
  gc: ['cycles', 1e9],
}

/**
 * Reads the text Instruments copies for a call tree (select all, Edit ▸ Deep Copy): a header of
 * tab-separated column names, then one row per call-tree node, its total first (`4273.0ms
 * 99.9%`, `4.93 s 100.0%`, `429.93 MB 100.0%`) and its symbol last, indented one space per
 * level. Each node becomes a sample of its own share: its total less its children's.
 */
export class InstrumentsParser {
  private readonly frames = new FrameTable()
  private readonly tree = new StackTree()
  private readonly ids = new Map<string, number>()
  /** Tree node, total and children's totals of the open nodes by depth. */
  private readonly open: { node: number; total: number; children: number }[] = []
  private readonly nodes: number[] = []
  private readonly selves: number[] = []
  private kind: Kind | undefined
  private base = -1
  private header = false

  readonly line = (line: string, lineNo: number): void => {
    if (line.trim() === '') return
    const cells = line.split('\t')
    if (!this.header) {
      if (cells.length < 2 || !/symbol name/i.test(cells[cells.length - 1])) {
        fail(`the first line is not a call tree header ending in 'Symbol Name'`, lineNo)
      }
      this.header = true
      return
    }
    if (cells.length < 2) fail(`not a call tree row: ${quote(line)}`, lineNo)
    const value = this.value(cells[0], lineNo)
    const symbol = cells[cells.length - 1]
    const name = symbol.trimStart()
    if (name === '') fail(`a row without a symbol: ${quote(line)}`, lineNo)
    const indent = symbol.length - name.length
    if (this.base < 0) this.base = indent
    const depth = indent - this.base
    if (depth < 0 || depth > this.open.length) {
      fail(`a row indented ${indent} under a row at depth ${this.open.length - 1}`, lineNo)
    }
    this.close(depth)
    let frame = this.ids.get(name)
    if (frame === undefined) {
      frame = this.frames.intern({ name: name.trimEnd() })
      this.ids.set((name + ' ').slice(0, -1), frame)
    }
    const parent = depth === 0 ? -1 : this.open[depth - 1].node
    if (depth > 0) this.open[depth - 1].children += value
    this.open.push({ node: this.tree.child(parent, frame), total: value, children: 0 })
  }

  finish(): Profile[] {
    this.close(0)
    if (this.nodes.length === 0) fail('no call tree rows')
    const metric: Metric =
      this.kind === 'bytes'
        ? { name: 'bytes', unit: 'bytes' }
        : this.kind === 'cycles'
          ? { name: 'cycles', unit: 'count' }
          : { name: 'time', unit: 'milliseconds' }
    const builder = new SamplesBuilder(1, this.tree)
    this.nodes.forEach((node, i) => {
      if (this.selves[i] > 0) builder.add(node, [this.selves[i]])
    })
    const meta = newMeta(FORMAT)
    return [
      { metrics: [metric], defaultMetric: 0, frames: this.frames, samples: builder.finish(), meta },
    ]
  }

  /** Closes the open nodes at `depth` and deeper: each keeps its total less its children's. */
  private close(depth: number): void {
    while (this.open.length > depth) {
      const { node, total, children } = this.open.pop()!
      this.nodes.push(node)
      // Instruments rounds each row: a parent may print a little less than its children.
      this.selves.push(Math.max(0, total - children))
    }
  }

  /** `4273.0ms   99.9%`, `4.93 s  100.0%`, ` 429.93 MB     100.0%` → ms or bytes. */
  private value(cell: string, lineNo: number): number {
    const m = /^\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*([A-Za-zµ]+)/.exec(cell)
    if (!m) fail(`the first column is not a time or size: ${quote(cell)}`, lineNo)
    const unit = UNITS[m[2].toLowerCase()] ?? UNITS[m[2]]
    if (!unit) fail(`unknown unit '${m[2]}' in ${quote(cell)}`, lineNo)
    if (this.kind === undefined) this.kind = unit[0]
    else if (this.kind !== unit[0]) fail(`a ${unit[0]} among ${this.kind} values`, lineNo)
    const value = Number(m[1].replace(/,/g, '')) * unit[1]
    if (!Number.isFinite(value)) fail(`value out of range: ${quote(cell)}`, lineNo)
    return value
  }
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)
}

function fail(reason: string, line?: number): never {
  throw new ProfconvError(FORMAT, reason, line === undefined ? {} : { line })
}

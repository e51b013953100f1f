import {
  FrameTable,
  GraphBuilder,
  ProfconvError,
  newMeta,
  type GraphNode,
  type Profile,
} from '@profconv/model'

export const FORMAT = 'axe'

/**
 * The columns of a header line split at runs of two or more spaces: `Index`, `% <metric>:Total`,
 * `<metric>:Self`, `<metric>:Children`, `Name`, `Index`; the metric's name, or undefined.
 */
export function headerMetric(line: string): string | undefined {
  const cells = line.trim().split(/\s{2,}/)
  if (cells.length !== 6 || cells[0] !== 'Index' || cells[4] !== 'Name' || cells[5] !== 'Index')
    return undefined
  if (!cells[1].startsWith('%') || !cells[1].endsWith(':Total')) return undefined
  if (!cells[2].endsWith(':Self') || !cells[3].endsWith(':Children')) return undefined
  return cells[2].slice(0, -':Self'.length)
}

/**
 * A call-graph line cut into its parts without backtracking regexes (lines are input): the
 * index in brackets at its end (`[12]`), the name before it, and the numbers before the name.
 */
function cutLine(line: string): { numbers: string[]; name: string; index?: number } {
  let text = line.trimEnd()
  let index: number | undefined
  if (text.endsWith(']')) {
    const open = text.lastIndexOf('[')
    const digits = text.slice(open + 1, -1)
    if (open >= 0 && /^\d+$/.test(digits)) {
      index = Number(digits)
      text = text.slice(0, open).trimEnd()
    }
  }
  // Numbers are whitespace-separated tokens at the start; the rest is the name.
  const numbers: string[] = []
  let at = 0
  for (;;) {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at++
    let end = at
    while (end < text.length && text[end] !== ' ' && text[end] !== '\t') end++
    const token = text.slice(at, end)
    if (!/^(\[\d+\]|-?\d+(\.\d+)?)$/.test(token) || numbers.length === 4) break
    numbers.push(token)
    at = end
  }
  return { numbers, name: text.slice(at), index }
}

/** `name <cycle 3>` → `name` (the cycle a function belongs to is not part of its name). */
function withoutCycle(name: string): string {
  if (!name.endsWith('>')) return name
  const at = name.lastIndexOf(' <cycle ')
  return at > 0 && /^\d+$/.test(name.slice(at + 8, -1)) ? name.slice(0, at).trimEnd() : name
}

const WHOLE_CYCLE = /^<cycle \d+ as a whole>$/

interface Related {
  readonly index: number
  readonly name: string
  readonly time: number
}

/**
 * Reads the gprof-style call graph VTune Amplifier prints (`amplxe-cl -report gprof-cc`, what
 * gprof2dot calls `axe`): a header naming the time columns (`% CPU Time:Total`,
 * `CPU Time:Self`, `CPU Time:Children`), then one entry per function separated by blank lines:
 * its callers, its own line `[index] %total self children name [index]`, its callees, each
 * caller and callee line with the self and children seconds that pass along that call. A
 * function's total is its self plus children; a call's total is the callee line's self plus
 * children. `<cycle N as a whole>` entries and `<spontaneous>` callers are skipped; the index
 * by function name after the graph is ignored.
 */
export class AxeParser {
  private readonly frames = new FrameTable()
  private readonly graph = new GraphBuilder(1)
  private readonly frameOf = new Map<number, number>()
  private readonly entries = new Set<number>()
  /** Inclusive time reaching each function along calls, for functions without an entry. */
  private readonly incoming = new Map<number, number>()
  private entry: { primary?: Related & { self: number; percent: number }; children: Related[] } = {
    children: [],
  }
  /** Members of cycles and their printed share of the total (%). */
  private readonly members: { node: GraphNode; percent: number }[] = []
  /** The largest function time: the 100 % of the printed shares. */
  private whole = 0
  private entryLine = 0
  private metric = ''
  private state: 'header' | 'graph' | 'done' = 'header'

  readonly line = (line: string, lineNo: number): void => {
    if (this.state === 'done') return
    if (this.state === 'header') {
      if (line.trim() === '') return
      const metric = headerMetric(line)
      if (metric === undefined) {
        fail(`the first line is not VTune's gprof-cc header ('Index  % … Name  Index')`, lineNo)
      }
      this.metric = metric
      this.state = 'graph'
      return
    }
    if (/^-{3,}[\s-]*$/.test(line)) return
    if (line.trim() === '') {
      this.endEntry()
      return
    }
    if (line.startsWith('Index')) {
      // The index by function name follows the graph.
      this.endEntry()
      this.state = 'done'
      return
    }
    if (!this.entry.primary && this.entry.children.length === 0 && this.entryLine === 0) {
      this.entryLine = lineNo
    }
    const { numbers, name, index } = cutLine(line)
    if (line.startsWith('[')) {
      // The function's own line: `[index] %total self children name [index]`.
      if (numbers.length !== 4 || index === undefined || name === '') {
        fail(
          `not a function line '[index] %total self children name [index]': ${quote(line)}`,
          lineNo,
        )
      }
      if (this.entry.primary)
        fail('two function lines in one entry (a missing blank line?)', lineNo)
      if (numbers[0] !== `[${index}]`) fail(`index ${numbers[0]} ends with [${index}]`, lineNo)
      const [percent, self, children] = numbers.slice(1).map(Number)
      if (![percent, self, children, self + children].every(Number.isFinite))
        fail(`not numbers: ${quote(line)}`, lineNo)
      this.entry.primary = { index, name, time: self + children, self, percent }
      return
    }
    if (name === '' || (numbers.length !== 0 && numbers.length !== 2)) {
      fail(`not a call graph line 'self children name [index]': ${quote(line)}`, lineNo)
    }
    // Callers come before the function's line, callees after it: only callees give calls.
    if (!this.entry.primary || name === '<spontaneous>') return
    if (index === undefined) fail(`a callee line without an index: ${quote(line)}`, lineNo)
    // Calls within a cycle have no times; VTune prints a few small negative children.
    const time = numbers.length === 0 ? 0 : Number(numbers[0]) + Number(numbers[1])
    if (!Number.isFinite(time)) fail(`times out of range: ${quote(line)}`, lineNo)
    this.entry.children.push({ index, name, time: Math.max(0, time) })
  }

  finish(): Profile[] {
    this.endEntry()
    if (this.state === 'header') fail('no call graph header')
    for (const [index, time] of this.incoming) {
      if (this.entries.has(index)) continue
      // A callee without an entry of its own: all we know is what reaches it.
      this.graph.node(this.frameOf.get(index)!).total[0] = time
    }
    const meta = newMeta(FORMAT)
    for (const { node, percent } of this.members) {
      node.total[0] = Math.max(node.self[0], (percent / 100) * this.whole)
    }
    if (this.members.length > 0) {
      meta.notes.push(
        "axe: totals of functions in call cycles are VTune's printed percentage of the whole (self plus children counts time within the cycle twice)",
      )
    }
    meta.notes.push(
      'axe: VTune prints no call counts; call totals are the time VTune attributes to each call',
    )
    return [
      {
        metrics: [{ name: this.metric.replace(/:Self$/, '') || 'time', unit: 'seconds' }],
        defaultMetric: 0,
        frames: this.frames,
        graph: this.graph.finish(),
        meta,
      },
    ]
  }

  private endEntry(): void {
    const { primary, children } = this.entry
    this.entry = { children: [] }
    const at = this.entryLine
    this.entryLine = 0
    if (!primary) {
      if (children.length > 0) fail('an entry without its function line', at)
      return
    }
    if (WHOLE_CYCLE.test(primary.name) || primary.name === '<spontaneous>') return
    if (this.entries.has(primary.index)) fail(`a second entry for [${primary.index}]`, at)
    this.entries.add(primary.index)
    const caller = this.frame(primary.index, primary.name)
    const node = this.graph.node(caller)
    node.self[0] = primary.self
    node.total[0] = primary.time
    this.whole = Math.max(this.whole, primary.time)
    if (withoutCycle(primary.name) !== primary.name)
      this.members.push({ node, percent: primary.percent })
    for (const child of children) {
      const callee = this.frame(child.index, child.name)
      if (callee === caller) continue // recursion: its time is already in the function's own
      const edge = this.graph.edge(caller, callee)
      edge.total[0] += child.time
      this.incoming.set(child.index, (this.incoming.get(child.index) ?? 0) + child.time)
      if (!this.entries.has(child.index)) this.graph.node(callee)
    }
  }

  /** The frame of a call-graph index (named by its first line; `<cycle N>` suffixes dropped). */
  private frame(index: number, name: string): number {
    let frame = this.frameOf.get(index)
    if (frame === undefined) {
      frame = this.frames.add({ name: withoutCycle(name) })
      this.frameOf.set(index, frame)
    }
    return frame
  }
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)
}

function fail(reason: string, line?: number): never {
  throw new ProfconvError(FORMAT, reason, line === undefined ? {} : { line })
}

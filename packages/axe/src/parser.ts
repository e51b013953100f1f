import {
  FrameTable,
  GraphBuilder,
  ProfconvError,
  newMeta,
  type GraphNode,
  type Profile,
} from '@profconv/model'

export const FORMAT = 'axe'

/** `[12]   96.13   0.046   16.242   render_one_pixel   [12]` */
const PRIMARY = /^\[(\d+)\]\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+(\S.*?)\s+\[(\d+)\]\s*$/
/** `   0.046   16.242   draw_trace   [11]`, `   trace <cycle 1>   [20]` or `   <spontaneous>` */
const RELATED = /^\s+(?:(-?[\d.]+)\s+(-?[\d.]+)\s+)?(\S.*?)(?:\s+\[(\d+)\])?\s*$/
const CYCLE_MEMBER = /\s+<cycle \d+>$/
const WHOLE_CYCLE = /^<cycle \d+ as a whole>$/
const HEADER = /^Index\s+%\s*(.+?)\s{2,}(.+?)\s{2,}(.+?)\s{2,}Name\s+Index\s*$/

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
      const header = HEADER.exec(line)
      if (!header)
        fail(`the first line is not VTune's gprof-cc header ('Index  % … Name  Index')`, lineNo)
      this.metric = header[2].trim()
      this.state = 'graph'
      return
    }
    if (/^-{3,}[\s-]*$/.test(line)) return
    if (line.trim() === '') {
      this.endEntry()
      return
    }
    if (/^Index\s/.test(line)) {
      // The index by function name follows the graph.
      this.endEntry()
      this.state = 'done'
      return
    }
    if (!this.entry.primary && this.entry.children.length === 0 && this.entryLine === 0) {
      this.entryLine = lineNo
    }
    const primary = PRIMARY.exec(line)
    if (primary) {
      if (this.entry.primary)
        fail('two function lines in one entry (a missing blank line?)', lineNo)
      if (primary[1] !== primary[6]) fail(`index [${primary[1]}] ends with [${primary[6]}]`, lineNo)
      const self = Number(primary[3])
      const children = Number(primary[4])
      this.entry.primary = {
        index: Number(primary[1]),
        name: primary[5],
        time: self + children,
        self,
        percent: Number(primary[2]),
      }
      return
    }
    const related = RELATED.exec(line)
    if (!related) fail(`not a call graph line: ${quote(line)}`, lineNo)
    // Callers come before the function's line, callees after it: only callees give calls.
    if (!this.entry.primary || related[3] === '<spontaneous>') return
    if (related[4] === undefined) fail(`a callee line without an index: ${quote(line)}`, lineNo)
    // Calls within a cycle have no times; VTune prints a few small negative children.
    const time = related[1] === undefined ? 0 : Number(related[1]) + Number(related[2])
    this.entry.children.push({
      index: Number(related[4]),
      name: related[3],
      time: Math.max(0, time),
    })
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
    if (CYCLE_MEMBER.test(primary.name)) this.members.push({ node, percent: primary.percent })
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
      frame = this.frames.add({ name: name.replace(CYCLE_MEMBER, '') })
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

import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  joinAddress,
  newMeta,
  type Label,
  type Metric,
  type Profile,
} from '@profconv/model'
import { isIndented, parseAddress, parseFrame, parseSrcline, unknownIn } from './frame-line.js'
import { parseHeader, type SampleHeader } from './header.js'

export const FORMAT = 'perf-script'

/** `entryOf`'s answer for header text that is no frame. */
const NO_ENTRY = -0x80000000

/** How threads become profiles: all in one (labelled), or one profile per thread. */
export type PerfThreads = 'merge' | 'separate'

/** One profile under construction: a thread's, or everything when threads are merged. */
class Part {
  readonly frames = new FrameTable()
  /** Columns: 1 per sample, and the sample's period (0 when not printed). */
  readonly builder = new SamplesBuilder(2)
  /** Event index of each sample. */
  events = new Uint16Array(256)
  /** Entry of each distinct frame text, to skip parsing and interning repeats. */
  readonly entries = new Map<string, number>()
  /** Per entry: the frame id and the instruction address's halves. */
  readonly entryFrame: number[] = []
  readonly entryHi: number[] = []
  readonly entryLo: number[] = []
  /** Entry of each distinct source line text (`-F +srcline`), and its tree file id and line. */
  readonly srclines = new Map<string, number>()
  readonly srclineFile: number[] = []
  readonly srclineLine: number[] = []
  constructor(readonly name: string | undefined) {}
}

interface EventInfo {
  name: string
  withPeriod: number
  withoutPeriod: number
}

/**
 * Reads `perf script` output line by line: a header per sample
 * (`comm pid/tid [cpu] time: period event:`), then the call chain leaf first, one indented
 * `addr sym+off (dso)` per line, and a blank line. Without call chains the header carries the
 * sample's one frame itself.
 */
export class PerfScriptParser {
  private readonly parts = new Map<string, Part>()
  private readonly labels = new Map<string, readonly Label[]>()
  private readonly events: EventInfo[] = []
  private readonly eventIds = new Map<string, number>()
  /** Dsos with code perf printed as `[unknown]`: one function each, and a note. */
  private readonly unnamed = new Set<string>()
  /** The sample being read: its header, part and frames leaf first. */
  private header: SampleHeader | undefined
  private part: Part | undefined
  /** Frame ids of the sample leaf first; with positions, each one's address, file and line. */
  private chain: number[] = []
  private chainHi: number[] = []
  private chainLo: number[] = []
  private chainFile: number[] = []
  private chainLine: number[] = []
  /** True while the open sample's one frame came on its header line. */
  private single = false
  private minTime = Infinity
  private maxTime = -Infinity

  /**
   * @param positions - keep each frame's instruction address and `-F +srcline` file and line in
   *   the stack tree (a node per distinct position); otherwise the stack tree is by function.
   */
  constructor(
    private readonly threads: PerfThreads = 'merge',
    private readonly positions = true,
  ) {}

  readonly line = (line: string, lineNo: number): void => {
    if (this.single) {
      // A sample whose header carried its one frame: only that frame's source line may follow
      // (padded header lines are indented too).
      this.single = false
      if (isIndented(line) && !parseFrame(line.trim()) && parseSrcline(line)) {
        this.push(this.part!, this.entryOf(this.part!, line, lineNo))
        return this.endSample()
      }
      this.endSample()
    }
    if (this.header && isIndented(line)) {
      if (line.trim() === '') return this.endSample()
      const entry = this.entryOf(this.part!, line, lineNo)
      this.push(this.part!, entry)
      return
    }
    this.endSample()
    if (line.trim() === '' || line.startsWith('#')) return
    const header = parseHeader(line)
    if (!header) {
      throw new ProfconvError(
        FORMAT,
        `expected a sample header 'comm pid/tid … event:', got ${quote(line)}`,
        {
          line: lineNo,
        },
      )
    }
    if (!Number.isFinite(header.time ?? 0) || !Number.isFinite(header.period ?? 0)) {
      throw new ProfconvError(FORMAT, `time or period out of range in ${quote(line)}`, {
        line: lineNo,
      })
    }
    this.header = header
    this.part = this.partOf(header)
    if (header.rest !== '') {
      // Recorded without call chains, the header ends with the sample's one frame (its source
      // line may follow). Anything else there (a tracepoint's fields) is skipped, and a call
      // chain may follow.
      const entry = this.entryOf(this.part, header.rest, lineNo, false)
      if (entry >= 0) {
        this.push(this.part, entry)
        this.single = true
      }
    }
  }

  finish(): Profile[] {
    this.single = false
    this.endSample()
    const metrics: Metric[] = [{ name: 'samples', unit: 'count' }]
    const notes: string[] = []
    const periodColumn: number[] = this.events.map((event) => {
      if (event.withPeriod === 0) {
        notes.push(
          `perf-script: no period printed for ${event.name || 'the samples'}; each sample counts 1 (record and script with -F period to weight by it)`,
        )
        return -1
      }
      if (event.withoutPeriod > 0) {
        notes.push(
          `perf-script: ${event.withoutPeriod} sample(s) of ${event.name} without a period count 0 in metric ${event.name}`,
        )
      }
      metrics.push({ name: event.name || 'period', unit: unitOf(event.name) })
      return metrics.length - 1
    })
    if (this.unnamed.size > 0) {
      const dsos = [...this.unnamed]
      notes.push(
        `perf-script: code without a symbol is one function per dso, as perf report keeps it apart: ${dsos
          .slice(0, 5)
          .map(unknownIn)
          .join(', ')}${dsos.length > 5 ? ` and ${dsos.length - 5} more` : ''}`,
      )
    }
    const start = Number.isFinite(this.minTime) ? this.minTime : undefined
    const parts = this.parts.size > 0 ? [...this.parts.values()] : [new Part(undefined)]
    return parts.map((part) => {
      const samples = part.builder.finish()
      const n = samples.stack.length
      const values = metrics.map((_, m) => (m === 0 ? samples.values[0] : new Float64Array(n)))
      for (let i = 0; i < n; i++) {
        const column = periodColumn[part.events[i]]
        if (column > 0) values[column][i] = samples.values[1][i]
      }
      const time = samples.time
      if (time && start !== undefined) for (let i = 0; i < n; i++) time[i] -= start
      const meta = newMeta(FORMAT)
      if (part.name !== undefined) meta.name = part.name
      if (start !== undefined) meta.duration = this.maxTime - start
      meta.notes.push(...notes)
      return {
        metrics: metrics.map((m) => ({ ...m })),
        defaultMetric: metrics.length > 1 ? 1 : 0,
        frames: part.frames,
        samples: { ...samples, values },
        meta,
      }
    })
  }

  private endSample(): void {
    const header = this.header
    if (!header) return
    const part = this.part!
    this.header = undefined
    const chain = this.chain
    let event = this.eventIds.get(header.event)
    if (event === undefined) {
      event = this.events.length
      if (event > 0xffff) throw new ProfconvError(FORMAT, 'more than 65535 distinct events')
      this.events.push({ name: header.event, withPeriod: 0, withoutPeriod: 0 })
      this.eventIds.set(header.event, event)
    }
    const info = this.events[event]
    if (header.period === undefined) info.withoutPeriod++
    else info.withPeriod++
    const i = part.builder.length
    if (i === part.events.length) {
      const grown = new Uint16Array(i * 2)
      grown.set(part.events)
      part.events = grown
    }
    part.events[i] = event
    let time: number | undefined
    if (header.time !== undefined) {
      time = Math.round(header.time * 1e9)
      if (time < this.minTime) this.minTime = time
      if (time > this.maxTime) this.maxTime = time
    }
    const values = [1, header.period ?? 0]
    if (this.positions) {
      const tree = part.builder.tree
      let node = -1
      // The chain is leaf first: the root is its last frame.
      for (let k = chain.length - 1; k >= 0; k--) {
        const hi = this.chainHi[k]
        const lo = this.chainLo[k]
        const address = hi === 0 ? lo : hi < 0x200000 ? hi * 4294967296 + lo : joinAddress(hi, lo)
        node = tree.child(node, chain[k], this.chainLine[k], this.chainFile[k], address)
      }
      part.builder.add(node, values, this.labelsOf(header), time)
      this.chainHi.length = this.chainLo.length = this.chainFile.length = 0
      this.chainLine.length = 0
    } else {
      chain.reverse()
      part.builder.addStack(chain, values, this.labelsOf(header), time)
    }
    chain.length = 0
  }

  /** Appends frame entry `entry` (-1 - k: source line k, which goes to the frame before it). */
  private push(part: Part, entry: number): void {
    if (entry >= 0) {
      this.chain.push(part.entryFrame[entry])
      if (this.positions) {
        this.chainHi.push(part.entryHi[entry])
        this.chainLo.push(part.entryLo[entry])
        this.chainFile.push(-1)
        this.chainLine.push(0)
      }
    } else if (this.positions && this.chain.length > 0) {
      const k = -1 - entry
      this.chainFile[this.chain.length - 1] = part.srclineFile[k]
      this.chainLine[this.chain.length - 1] = part.srclineLine[k]
    }
  }

  /**
   * The entry of the frame on `line` (>= 0), or -1 - k for source line k (`-F +srcline`, in any
   * of the shapes perf prints); -2^31 for text that is neither, when not `strict`.
   */
  private entryOf(part: Part, line: string, lineNo: number, strict = true): number {
    const key = line.trim()
    const entry = part.entries.get(key)
    if (entry !== undefined) return entry
    const frame = parseFrame(key)
    if (frame) {
      if (frame.module && frame.name === unknownIn(frame.module)) this.unnamed.add(frame.module)
      const [hi, lo] = parseAddress(key)
      const id = part.entryFrame.push(part.frames.intern(frame)) - 1
      part.entryHi.push(hi)
      part.entryLo.push(lo)
      part.entries.set(key, id)
      return id
    }
    const known = part.srclines.get(key)
    if (known !== undefined) return -1 - known
    const srcline = strict ? parseSrcline(key) : undefined
    if (!srcline) {
      if (!strict) return NO_ENTRY
      throw new ProfconvError(
        FORMAT,
        `expected a frame line 'addr symbol (dso)' or its source line, got ${quote(line)}`,
        { line: lineNo },
      )
    }
    const k = part.srclineLine.push(srcline.line) - 1
    part.srclineFile.push(srcline.file === undefined ? -1 : part.builder.tree.fileId(srcline.file))
    part.srclines.set(key, k)
    return -1 - k
  }

  private partOf(header: SampleHeader): Part {
    const key = this.threads === 'merge' ? '' : `${header.comm}\u0000${header.thread}`
    let part = this.parts.get(key)
    if (!part) {
      part = new Part(this.threads === 'merge' ? undefined : `${header.comm} ${header.thread}`)
      this.parts.set(key, part)
    }
    return part
  }

  private labelsOf(header: SampleHeader): readonly Label[] {
    const key = `${header.comm}\u0000${header.thread}`
    let labels = this.labels.get(key)
    if (!labels) {
      const list: Label[] = [{ key: 'comm', str: header.comm }]
      if (header.pid !== undefined) list.push({ key: 'pid', num: header.pid })
      list.push({ key: 'tid', num: header.tid })
      this.labels.set(key, (labels = list))
    }
    return labels
  }
}

/** Software clock events count nanoseconds; everything else counts events. */
function unitOf(event: string): string {
  return event === 'cpu-clock' || event === 'task-clock' ? 'nanoseconds' : 'count'
}

function quote(line: string): string {
  return JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line)
}

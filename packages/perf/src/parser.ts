import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  newMeta,
  type Label,
  type Metric,
  type Profile,
} from '@profconv/model'
import { isIndented, isSourceLine, parseFrame } from './frame-line.js'
import { parseHeader, type SampleHeader } from './header.js'

export const FORMAT = 'perf-script'

/** How threads become profiles: all in one (labelled), or one profile per thread. */
export type PerfThreads = 'merge' | 'separate'

/** One profile under construction: a thread's, or everything when threads are merged. */
class Part {
  readonly frames = new FrameTable()
  /** Columns: 1 per sample, and the sample's period (0 when not printed). */
  readonly builder = new SamplesBuilder(2)
  /** Event index of each sample. */
  events = new Uint16Array(256)
  /** Frame id of each distinct frame text, to skip parsing and interning repeats. */
  readonly frameIds = new Map<string, number>()
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
  /** The sample being read: its header, part and frames leaf first. */
  private header: SampleHeader | undefined
  private part: Part | undefined
  private chain: number[] = []
  private minTime = Infinity
  private maxTime = -Infinity

  constructor(private readonly threads: PerfThreads = 'merge') {}

  readonly line = (line: string, lineNo: number): void => {
    if (this.header && isIndented(line)) {
      if (line.trim() === '') return this.endSample()
      const id = this.frameId(this.part!, line, lineNo)
      if (id >= 0) this.chain.push(id)
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
      // Recorded without call chains, the header ends with the sample's one frame. Anything
      // else there (a tracepoint's fields) is skipped, and a call chain may follow.
      const id = this.frameId(this.part, header.rest, lineNo, false)
      if (id >= 0) {
        this.chain.push(id)
        this.endSample()
      }
    }
  }

  finish(): Profile[] {
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
    chain.reverse()
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
    part.builder.addStack(chain, [1, header.period ?? 0], this.labelsOf(header), time)
    chain.length = 0
  }

  /** The id of the frame on `line`; -1 for a source line (`-F +srcline`), which is skipped. */
  private frameId(part: Part, line: string, lineNo: number, strict = true): number {
    const key = line.trim()
    let id = part.frameIds.get(key)
    if (id !== undefined) return id
    const frame = parseFrame(key)
    if (!frame) {
      if (!strict || isSourceLine(line)) return -1
      throw new ProfconvError(
        FORMAT,
        `expected a frame line 'addr symbol (dso)', got ${quote(line)}`,
        {
          line: lineNo,
        },
      )
    }
    id = part.frames.intern(frame)
    part.frameIds.set(key, id)
    return id
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

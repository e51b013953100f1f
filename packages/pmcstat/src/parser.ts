import { FrameTable, ProfconvError, SamplesBuilder, newMeta, type Profile } from '@profconv/model'

export const FORMAT = 'pmcstat'

/** `  86.48%  [1490]        dmu_buf_will_dirty_impl @ /boot/kernel/zfs.ko` */
const ROW = /^( *)[\d.]+%\s+\[(\d+)\]\s+(\S+)(?: @ (.*))?$/

/**
 * Reads `pmcstat -R file -G out.txt` (FreeBSD hwpmc): per event a `@ event [N samples]` line,
 * then per sampled function a caller tree, the function at indent 0 and each caller one space
 * deeper, every row with its share of samples `[n]`. A row's samples not passed on to callers
 * end its stack there; every stack is a sample of the event's metric.
 */
export class PmcstatParser {
  private readonly frames = new FrameTable()
  private readonly events: string[] = []
  private readonly rows: { frame: number; count: number; children: number }[] = []
  private readonly entries: { stack: number[]; count: number; event: number }[] = []
  private module: string | undefined

  readonly line = (line: string, lineNo: number): void => {
    if (line.trim() === '' || line.startsWith('#')) return
    const event = /^@ (\S+)/.exec(line)
    if (event) {
      this.close(0)
      this.events.push(event[1])
      return
    }
    const m = ROW.exec(line)
    if (!m)
      fail(`not a call graph row 'n.nn%  [count]  function [@ module]': ${quote(line)}`, lineNo)
    if (this.events.length === 0) fail('a row before the first @ event line', lineNo)
    const depth = m[1].length
    if (depth > this.rows.length)
      fail(`a row indented ${depth} under depth ${this.rows.length - 1}`, lineNo)
    this.close(depth)
    const count = Number(m[2])
    if (!Number.isSafeInteger(count)) fail(`count out of range: ${m[2]}`, lineNo)
    // pmcstat names the image when it changes: later rows are in the last one named.
    if (m[4] !== undefined) this.module = m[4].slice(m[4].lastIndexOf('/') + 1)
    const name = m[3]
    const frame = this.frames.intern(this.module ? { name, module: this.module } : { name })
    if (depth > 0) this.rows[depth - 1].children += count
    this.rows.push({ frame, count, children: 0 })
  }

  finish(): Profile[] {
    this.close(0)
    if (this.events.length === 0) fail('no @ event line')
    const builder = new SamplesBuilder(this.events.length)
    const values = new Array<number>(this.events.length).fill(0)
    for (const { stack, count, event } of this.entries) {
      values.fill(0)
      values[event] = count
      builder.addStack(stack, values)
    }
    return [
      {
        metrics: this.events.map((name) => ({ name, unit: 'count' })),
        defaultMetric: 0,
        frames: this.frames,
        samples: builder.finish(),
        meta: newMeta(FORMAT),
      },
    ]
  }

  /** Closes the rows at `depth` and deeper: samples no caller took end their stack there. */
  private close(depth: number): void {
    while (this.rows.length > depth) {
      const row = this.rows[this.rows.length - 1]
      const rest = row.count - row.children
      if (rest > 0) {
        // The stack root first: the deepest caller first, the sampled function last.
        const stack = this.rows.map((r) => r.frame).reverse()
        this.entries.push({ stack, count: rest, event: this.events.length - 1 })
      }
      this.rows.pop()
    }
  }
}

function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)
}

function fail(reason: string, line?: number): never {
  throw new ProfconvError(FORMAT, reason, line === undefined ? {} : { line })
}

import { FrameTable, ProfconvError, SamplesBuilder, newMeta, type Profile } from '@profconv/model'

export const FORMAT = 'dtrace'

/**
 * Reads the printout of a DTrace aggregation keyed by a stack (`@[ustack()] = count();`,
 * `@[stack()] = count();`, `jstack()`): per entry one indented frame a line, leaf first
 * (`module\`symbol+0xoff`, or a bare address), then the count alone on a line. The `CPU ID
 * FUNCTION:NAME` banner of the probe that ended the run, and its next line, are skipped.
 */
export class DtraceParser {
  private readonly frames = new FrameTable()
  private readonly builder = new SamplesBuilder(1)
  private readonly ids = new Map<string, number>()
  /** Frames of the entry being read, leaf first. */
  private chain: number[] = []
  private chainLine = 0
  private skipNext = false

  readonly line = (line: string, lineNo: number): void => {
    if (this.skipNext) {
      this.skipNext = false
      return
    }
    const text = line.trim()
    if (text === '') return
    if (this.chain.length === 0 && /^CPU\s+ID\s+FUNCTION:NAME$/.test(text)) {
      this.skipNext = true
      return
    }
    if (this.chain.length === 0 && text.startsWith('dtrace:')) return
    if (isCount(text)) {
      const count = Number(text)
      if (!Number.isFinite(count)) fail(`count out of range: ${text}`, lineNo)
      if (this.chain.length === 0) fail(`a count without a stack: ${text}`, lineNo)
      this.chain.reverse()
      this.builder.addStack(this.chain, [count])
      this.chain.length = 0
      return
    }
    if (this.chain.length === 0) this.chainLine = lineNo
    let id = this.ids.get(text)
    if (id === undefined) {
      id = this.frames.intern(frameOf(text))
      this.ids.set(text, id)
    }
    this.chain.push(id)
  }

  finish(): Profile[] {
    if (this.chain.length > 0) fail('the last stack has no count', this.chainLine)
    if (this.builder.length === 0) fail('no stack with a count found')
    const meta = newMeta(FORMAT)
    return [
      {
        metrics: [{ name: 'samples', unit: 'count' }],
        defaultMetric: 0,
        frames: this.frames,
        samples: this.builder.finish(),
        meta,
      },
    ]
  }
}

/** `libc.so.1\`memcpy+0x1c` → memcpy in libc.so.1; a bare `0xfeedface` is its own name. */
function frameOf(text: string): { name: string; module?: string } {
  const tick = text.indexOf('`')
  const symbol = tick < 0 ? text : text.slice(tick + 1)
  const plus = symbol.lastIndexOf('+0x')
  const name =
    (plus > 0 && /^[0-9a-fA-F]+$/.test(symbol.slice(plus + 3)) ? symbol.slice(0, plus) : symbol) ||
    text
  if (tick <= 0) return { name }
  const module = text.slice(0, tick)
  return { name, module: module.slice(module.lastIndexOf('/') + 1) || module }
}

function isCount(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

function fail(reason: string, line?: number): never {
  throw new ProfconvError(FORMAT, reason, line === undefined ? {} : { line })
}

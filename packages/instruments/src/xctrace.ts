import { XMLParser } from 'fast-xml-parser'
import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  StackTree,
  newMeta,
  type ElementParser,
  type Label,
  type Metric,
  type Profile,
} from '@profconv/model'

export const XCTRACE_FORMAT = 'xctrace'

/** An element of a row as fast-xml-parser gives it: attributes `@x`, text `#text`. */
type Element = { readonly [key: string]: unknown }

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => name === 'frame',
})

/** Weight columns: `weight` (time-profile, ns) and `cycle-weight` (cpu-profile, cycles). */
const WEIGHTS: Record<string, Metric> = {
  weight: { name: 'time', unit: 'nanoseconds' },
  'cycle-weight': { name: 'cycles', unit: 'count' },
}

/**
 * Reads the XML `xctrace export --xpath '…/table[@schema="time-profile"]'` prints: one `<row>`
 * per sample with its sample time (ns), thread, weight and backtrace (leaf first). Every element
 * that repeats is written once with an `id` and later as `<x ref="id"/>`; the id table spans the
 * document, so rows are read in order and each resolved value kept by id.
 */
export class XctraceParser implements ElementParser {
  readonly names = ['row']
  private readonly frames = new FrameTable()
  private readonly tree = new StackTree()
  /** Resolved values by `id`: numbers, strings, frame ids and stack-tree nodes. */
  private readonly byId = new Map<string, number | string | readonly Label[]>()
  private readonly builder = new SamplesBuilder(2, this.tree)
  private weight: string | undefined
  private rows = 0
  private unstacked = 0

  readonly element = (text: string, _name: string, offset: number): void => {
    this.rows++
    let row: Element
    try {
      row = (xml.parse(text) as { row: Element | string }).row as Element
    } catch (error) {
      this.fail(`malformed XML (${(error as Error).message})`, offset)
    }
    if (typeof row !== 'object' || row === null) return // an empty <row/>
    const weightKey = Object.keys(WEIGHTS).find((k) => k in row)
    if (weightKey === undefined) this.fail('a row without a weight column', offset)
    if (this.weight === undefined) this.weight = weightKey
    else if (this.weight !== weightKey) this.fail(`a ${weightKey} among ${this.weight}s`, offset)
    const value = this.number(row[weightKey], offset)
    const time = 'sample-time' in row ? this.number(row['sample-time'], offset) : undefined
    const labels = 'thread' in row ? this.thread(row.thread, offset) : undefined
    const backtrace = row.backtrace ?? (row['tagged-backtrace'] as Element | undefined)?.backtrace
    if (backtrace === undefined || backtrace === '') {
      this.unstacked += value
      return
    }
    this.builder.add(this.stack(backtrace, offset), [value, 1], labels, time)
  }

  finish(): Profile[] {
    if (this.rows === 0) {
      throw new ProfconvError(XCTRACE_FORMAT, 'no <row> elements: not an xctrace table export')
    }
    const meta = newMeta(XCTRACE_FORMAT)
    const metric = WEIGHTS[this.weight ?? 'weight']
    if (this.unstacked > 0) {
      meta.notes.push(
        `${this.unstacked} ${metric.unit} of samples without a backtrace (<sentinel/>) left out`,
      )
    }
    return [
      {
        metrics: [metric, { name: 'samples', unit: 'count' }],
        defaultMetric: 0,
        frames: this.frames,
        samples: this.builder.finish(),
        meta,
      },
    ]
  }

  /** The value of a `ref` or the element itself (resolved by `make` and kept under its `id`). */
  private resolve<T extends number | string | readonly Label[]>(
    value: unknown,
    offset: number,
    make: (element: Element) => T,
  ): T {
    const element: Element = typeof value === 'object' && value !== null ? (value as Element) : {}
    const ref = element['@ref']
    if (typeof ref === 'string') {
      const known = this.byId.get(ref)
      if (known === undefined) this.fail(`ref="${ref}" before any element with that id`, offset)
      return known as T
    }
    const made = make(typeof value === 'string' ? { '#text': value } : element)
    const id = element['@id']
    if (typeof id === 'string') this.byId.set(id, made)
    return made
  }

  private number(value: unknown, offset: number): number {
    return this.resolve(value, offset, (e) => {
      const n = Number(e['#text'])
      if (typeof e['#text'] !== 'string' || !Number.isFinite(n)) {
        this.fail(`not a number: ${JSON.stringify(e['#text'] ?? '')}`, offset)
      }
      return n
    })
  }

  private thread(value: unknown, offset: number): readonly Label[] {
    return this.resolve(value, offset, (e) => [
      { key: 'thread', str: String(e['@fmt'] ?? e.tid ?? '') },
    ])
  }

  /** The stack-tree node of a backtrace: its frames come leaf first. */
  private stack(value: unknown, offset: number): number {
    return this.resolve(value, offset, (e) => {
      // Resolved in document order (ids are defined on first use), then entered root first.
      const frames = ((e.frame ?? []) as unknown[]).map((f) => this.frame(f, offset))
      let node = -1
      for (let i = frames.length - 1; i >= 0; i--) node = this.tree.child(node, frames[i])
      return node
    })
  }

  private frame(value: unknown, offset: number): number {
    return this.resolve(value, offset, (e) => {
      const name = e['@name'] ?? e['@addr']
      if (typeof name !== 'string') this.fail('a <frame> without a name or addr', offset)
      const module = e.binary === undefined ? undefined : this.binary(e.binary, offset)
      const source = e.source as Element | undefined
      const file = source?.path === undefined ? undefined : this.path(source.path, offset)
      return this.frames.intern({
        name,
        ...(file ? { file } : {}),
        ...(module ? { module } : {}),
      })
    })
  }

  private binary(value: unknown, offset: number): string {
    return this.resolve(value, offset, (e) => String(e['@name'] ?? e['@path'] ?? ''))
  }

  private path(value: unknown, offset: number): string {
    return this.resolve(value, offset, (e) => String(e['#text'] ?? ''))
  }

  private fail(reason: string, offset: number): never {
    throw new ProfconvError(XCTRACE_FORMAT, `row ${this.rows} (character ${offset}): ${reason}`)
  }
}

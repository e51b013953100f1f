import { XMLParser } from 'fast-xml-parser'
import {
  FrameTable,
  ProfconvError,
  SamplesBuilder,
  newMeta,
  type ElementParser,
  type Profile,
} from '@profconv/model'

export const FORMAT = 'sysprof'

const xml = new XMLParser({ parseTagValue: false, ignoreAttributes: false })

/**
 * Reads the XML sysprof 1.x saves (`File ▸ Save As`, `sysprof-cli`): an `<objects>` list of
 * functions (`<object id>` with a quoted `<name>`, `<total>` and `<self>` samples) and a
 * `<nodes>` list forming the call tree (`<node id>` with its `<object>`, `<parent>` node, 0 at
 * the top, and `<self>` samples). Each node's self samples are a sample on its path from the
 * top: the process (`[name]`) first, as sysprof draws it.
 */
export class SysprofParser implements ElementParser {
  readonly names = ['object', 'node']
  private readonly names_ = new Map<number, string>()
  private readonly nodes: { id: number; object: number; parent: number; self: number }[] = []
  private records = 0

  readonly element = (text: string, name: string, offset: number): void => {
    this.records++
    let record: Record<string, unknown>
    try {
      record = (xml.parse(text) as Record<string, Record<string, unknown>>)[name]
    } catch (error) {
      fail(`malformed XML (${(error as Error).message})`, offset)
    }
    if (typeof record !== 'object' || record === null) fail(`an empty <${name}>`, offset)
    const id = integer(record['@_id'], `${name} id`, offset)
    if (name === 'object') {
      const quoted = String(record.name ?? '')
      this.names_.set(
        id,
        quoted.length >= 2 && quoted.startsWith('"') && quoted.endsWith('"')
          ? quoted.slice(1, -1)
          : quoted,
      )
    } else {
      this.nodes.push({
        id,
        object: integer(record.object, 'node object', offset),
        parent: integer(record.parent, 'node parent', offset),
        self: integer(record.self, 'node self', offset),
      })
    }
  }

  finish(): Profile[] {
    if (this.records === 0) fail('no <object> or <node> elements: not a sysprof profile')
    const frames = new FrameTable()
    // sysprof keeps same-named functions of different binaries apart (every library has its own
    // `__i686.get_pc_thunk.bx`) without naming the binary: such objects keep their id.
    const seen = new Map<string, number>()
    for (const name of this.names_.values()) seen.set(name, (seen.get(name) ?? 0) + 1)
    const frameOf = new Map<number, number>()
    const byId = new Map(this.nodes.map((n, i) => [n.id, i]))
    const builder = new SamplesBuilder(1)
    /** Stack-tree node of each sysprof node, once its path is built. */
    const treeNode = new Int32Array(this.nodes.length).fill(-2)
    const pending: number[] = []
    for (let i = 0; i < this.nodes.length; i++) {
      if (this.nodes[i].self === 0) continue
      // Walk up to a node already placed (or the top), then place the path down again.
      for (let at = i; at >= 0 && treeNode[at] === -2;) {
        if (pending.length > this.nodes.length) fail(`node ${this.nodes[i].id}: its parents loop`)
        pending.push(at)
        const parent = this.nodes[at].parent
        if (parent === 0) break
        const p = byId.get(parent)
        if (p === undefined) fail(`node ${this.nodes[at].id}: no node ${parent}, its parent`)
        at = p
      }
      while (pending.length > 0) {
        const at = pending.pop()!
        const { object, parent } = this.nodes[at]
        let frame = frameOf.get(object)
        if (frame === undefined) {
          const name = this.names_.get(object)
          if (name === undefined) fail(`node ${this.nodes[at].id}: no object ${object}`)
          frame = frames.intern(
            seen.get(name)! > 1 ? { name, module: `sysprof object ${object}` } : { name },
          )
          frameOf.set(object, frame)
        }
        const up = parent === 0 ? -1 : treeNode[byId.get(parent)!]
        treeNode[at] = builder.tree.child(up, frame)
      }
      builder.add(treeNode[i], [this.nodes[i].self])
    }
    return [
      {
        metrics: [{ name: 'samples', unit: 'count' }],
        defaultMetric: 0,
        frames,
        samples: builder.finish(),
        meta: newMeta(FORMAT),
      },
    ]
  }
}

function integer(value: unknown, what: string, offset: number): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN
  if (!Number.isSafeInteger(n))
    fail(`${what} is not a whole number: ${JSON.stringify(value ?? null)}`, offset)
  return n
}

function fail(reason: string, offset?: number): never {
  throw new ProfconvError(
    FORMAT,
    offset === undefined ? reason : `the record at character ${offset}: ${reason}`,
  )
}

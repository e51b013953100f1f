import { XMLParser, XMLValidator } from 'fast-xml-parser'

/** A box read back from a flame graph SVG: its stack (root `all` first), value and drawing. */
export interface ParsedBox {
  path: string[]
  label: string
  x: number
  w: number
  base?: number
  merged: boolean
  rectX: number
  rectWidth: number
  y: number
  fill: string
  text: string
  title: string
}

/**
 * The boxes of a flame graph, parsed as XML (the file must be well formed). Each box's stack is
 * rebuilt from the drawing alone: its parent is the box one row nearer the root whose span
 * holds its start.
 */
export function parseBoxes(svg: string): { boxes: ParsedBox[]; frames: Record<string, string> } {
  const valid = XMLValidator.validate(svg)
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`)
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    processEntities: true,
    htmlEntities: true,
    isArray: (name) => name === 'g' || name === 'text',
    trimValues: false,
  }).parse(svg)
  const holder = (doc.svg.g as Record<string, unknown>[]).find((g) => g.class === 'fg-frames')!
  const raw = (holder.g ?? []) as Record<string, unknown>[]
  const boxes: ParsedBox[] = []
  const down = Number(holder['data-down'])
  const byRow = new Map<number, ParsedBox[]>()
  for (const g of raw) {
    const rect = g.rect as Record<string, string>
    const title = String(g.title)
    const label = title.slice(0, Number(g['data-l']))
    const text = (g.text as unknown[])[0]
    const box: ParsedBox = {
      path: [],
      label,
      x: Number(g['data-x']),
      w: Number(g['data-w']),
      base: g['data-b'] === undefined ? undefined : Number(g['data-b']),
      merged: g['data-m'] !== undefined,
      rectX: Number(rect.x),
      rectWidth: Number(rect.width),
      y: Number(rect.y),
      fill: rect.fill,
      text:
        typeof text === 'object'
          ? String((text as Record<string, unknown>)['#text'] ?? '')
          : String(text ?? ''),
      title,
    }
    boxes.push(box)
  }
  // Rows from the root: the root row is the largest y (flame) or the smallest (icicle).
  const rows = [...new Set(boxes.map((b) => b.y))].sort((a, b) => (a - b) * down)
  rows.forEach((y) => byRow.set(y, []))
  for (const b of boxes) byRow.get(b.y)!.push(b)
  rows.forEach((y, depth) => {
    for (const b of byRow.get(y)!) {
      if (depth === 0) {
        b.path = [b.label]
        continue
      }
      const eps = 1e-9 * Math.max(1, boxes[0].w)
      const parent = byRow
        .get(rows[depth - 1])!
        .find((p) => !p.merged && p.x <= b.x + eps && b.x + b.w <= p.x + p.w + eps)
      if (!parent) throw new Error(`box ${b.label} at depth ${depth} has no parent`)
      b.path = [...parent.path, b.label]
    }
  })
  return { boxes, frames: holder as unknown as Record<string, string> }
}

/** Sum of each stack prefix of folded stacks (`a;b;c 42`), keyed by the prefix joined with `;`. */
export function foldedPrefixes(folded: string): { prefixes: Map<string, number>; total: number } {
  const prefixes = new Map<string, number>()
  let total = 0
  for (const line of folded.split('\n')) {
    if (!line) continue
    const space = line.lastIndexOf(' ')
    const value = Number(line.slice(space + 1))
    const frames = line.slice(0, space).split(';')
    total += value
    for (let i = 1; i <= frames.length; i++) {
      const key = frames.slice(0, i).join(';')
      prefixes.set(key, (prefixes.get(key) ?? 0) + value)
    }
  }
  return { prefixes, total }
}

import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { FrameTable, SamplesBuilder, newMeta, type Frame, type Profile } from '@profconv/model'
import { ProfconvError } from '@profconv/model'
import { SVG_MAX_NODES, renderSvg, svgFormat, writeSvg } from '../src/index.js'

/** Samples `main;<name>` for each name, the n-th with weight n + 1. */
function profileOf(callees: Frame[]): Profile {
  const frames = new FrameTable()
  const samples = new SamplesBuilder(1)
  const main = frames.intern({ name: 'main', file: 'main.c' })
  callees.forEach((f, i) => samples.addStack([main, frames.intern(f)], [i + 1]))
  return {
    metrics: [{ name: 'cpu', unit: 'nanoseconds' }],
    defaultMetric: 0,
    frames,
    samples: samples.finish(),
    meta: newMeta('test'),
  }
}

interface Element {
  [key: string]: unknown
}

/** Every element named `tag` in a fast-xml-parser tree. */
function elements(tree: unknown, tag: string, out: Element[] = []): Element[] {
  const stack = [tree]
  while (stack.length > 0) {
    const value = stack.pop()
    if (Array.isArray(value)) stack.push(...value)
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value as Element)) {
        if (key === tag) out.push(...((Array.isArray(child) ? child : [child]) as Element[]))
        stack.push(child)
      }
    }
  }
  return out
}

/** The SVG parsed after checking it is well-formed XML; its node groups and node tooltips. */
function parse(svg: string) {
  expect(XMLValidator.validate(svg)).toBe(true)
  const tree = new XMLParser({
    ignoreAttributes: false,
    processEntities: true,
    htmlEntities: true,
  }).parse(svg)
  const nodes = elements(tree, 'g').filter((g) => g['@_class'] === 'node')
  const titles = nodes.flatMap((g) => elements(g, 'a').map((a) => String(a['@_xlink:title'])))
  return { nodes, titles }
}

const HOSTILE = [
  'a"b',
  'back\\slash',
  'new\nline',
  'x];\n"evil" -> "pwned" [label="',
  '<b>html</b> & <script>alert(1)</script>',
  ']]><!--',
  '9lives',
  'node',
  'edge',
  'digraph',
  '\\N\\G\\l',
  'x'.repeat(20000),
]

describe('writeSvg', () => {
  test('valid SVG with one node group per function, tooltips with name and file', () => {
    const svg = writeSvg(
      profileOf([
        { name: 'parse', file: '/src/parse.c', line: 12 },
        { name: 'lex', file: '/src/lex.c' },
      ]),
    )
    const { nodes, titles } = parse(svg)
    expect(nodes).toHaveLength(3)
    expect(titles.sort()).toEqual(['lex\n/src/lex.c', 'main\nmain.c', 'parse\n/src/parse.c:12'])
  })

  test.each(HOSTILE.map((name, i) => [i, name]))(
    'hostile name #%d: well-formed, every function one node, whole name in the tooltip',
    (_, name) => {
      const svg = writeSvg(profileOf([{ name, file: name }, { name: `${name}2` }]))
      const { nodes, titles } = parse(svg)
      expect(nodes).toHaveLength(3)
      expect(titles).toContain(`${name}\n${name}`)
      expect(titles).toContain(`${name}2`)
    },
  )

  test(`draws at most ${SVG_MAX_NODES} functions by default, and says so`, () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ name: `f${i}` }))
    const profile = profileOf(many)
    const { nodes } = parse(writeSvg(profile, { nodeThres: 0 }))
    expect(nodes).toHaveLength(SVG_MAX_NODES)
    expect(profile.meta.notes.join('\n')).toMatch(/SVG output draws at most 200 functions/)
    const all = profileOf(many)
    expect(parse(writeSvg(all, { nodeThres: 0, nodeCount: 1000 })).nodes).toHaveLength(301)
    expect(all.meta.notes).toEqual([])
  })

  test('the descriptor writes SVG with the dot options', () => {
    const profile = profileOf([{ name: 'parse' }, { name: 'lex' }])
    const svg = svgFormat.write!(profile, { root: 'lex' }) as string
    expect(parse(svg).nodes).toHaveLength(1)
  })

  test('Graphviz (in its thread) answers each graph with its own drawing, in any order of sizes', () => {
    const small = parse(renderSvg('digraph { a -> b }')).nodes
    const big = parse(
      renderSvg(
        `digraph { ${Array.from({ length: 50 }, (_, i) => `n${i} -> n${i + 1};`).join(' ')} }`,
      ),
    ).nodes
    expect(small).toHaveLength(2)
    expect(big).toHaveLength(51)
    expect(parse(renderSvg('digraph { a }')).nodes).toHaveLength(1)
  })

  test('a graph Graphviz cannot read is a ProfconvError, and the next graph draws', () => {
    expect(() => renderSvg('digraph { a -> ')).toThrow(ProfconvError)
    expect(() => renderSvg('digraph { a -> ')).toThrow(
      /Graphviz could not draw the graph: .*syntax error/,
    )
    expect(parse(renderSvg('digraph { a -> b }')).nodes).toHaveLength(2)
  })

  test('labels with ×, µ and ’ draw without a warning about their font metrics', () => {
    const warn = console.warn
    const warnings: unknown[][] = []
    console.warn = (...args: unknown[]) => warnings.push(args)
    try {
      const svg = renderSvg('digraph { a [label="12×\\n3 µs ’"] }')
      expect(svg).toContain('12×')
    } finally {
      console.warn = warn
    }
    expect(warnings).toEqual([])
  })
})

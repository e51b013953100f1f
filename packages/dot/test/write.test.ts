import { readFileSync } from 'node:fs'
import { FrameTable, GraphBuilder, newMeta, type Frame, type Profile } from '@profconv/model'
import { readPstats } from '@profconv/pstats'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'
import { dotFormat, quote, writeDot } from '../src/index.js'

/** A two-function profile: `caller` (self 1) calls `callee` (self 3), 5 calls. */
function tinyProfile(caller: Frame, callee: Frame): Profile {
  const frames = new FrameTable()
  const graph = new GraphBuilder(1)
  const a = graph.node(frames.intern(caller))
  const b = graph.node(frames.intern(callee))
  a.self[0] = 1
  a.total[0] = 4
  b.self[0] = 3
  b.total[0] = 3
  const edge = graph.edge(a.frame, b.frame)
  edge.total[0] = 3
  edge.calls = 5
  return {
    metrics: [{ name: 'cpu', unit: 'nanoseconds' }],
    defaultMetric: 0,
    frames,
    graph: graph.finish(),
    meta: newMeta('test'),
  }
}

const HOSTILE = [
  'a"b',
  'back\\slash',
  'new\nline',
  'x];\n"evil" -> "pwned" [label="',
  '-> node',
  '9lives',
  'node',
  'edge',
  'graph',
  'subgraph',
  '\\N\\G\\l',
  '<b>html</b>',
  'x'.repeat(20000),
  'tab\there\r\u0000',
]

describe('quote', () => {
  test('escapes quotes, backslashes and newlines; drops control characters', () => {
    expect(quote('a"b\\c\nd\u0001e')).toBe('"a\\"b\\\\c\\nd' + 'e"')
  })
})

describe('writeDot', () => {
  test('labels: name, total %, (self %), calls; edge total % and calls', () => {
    const dot = writeDot(tinyProfile({ name: 'main' }, { name: 'work' }))
    expect(dot).toContain('label="main\\n100.00%\\n(25.00%)"')
    expect(dot).toContain('label="work\\n75.00%\\n(75.00%)"')
    expect(dot).toMatch(/0 -> 1 \[.*label="75.00%\\n5×"/)
  })

  test('thresholds hide small nodes and edges', () => {
    const profile = tinyProfile({ name: 'main' }, { name: 'work' })
    expect(writeDot(profile, { nodeThres: 80 })).not.toContain('work')
    expect(writeDot(profile, { edgeThres: 80 })).not.toContain('->')
  })

  test.each(HOSTILE.map((name, i) => [i, name]))(
    'hostile name #%d keeps the graph to two nodes and one edge',
    (_, name) => {
      const dot = writeDot(tinyProfile({ name, file: name }, { name: `${name}2` }))
      const statements = dot.split('\n').filter((l) => l.startsWith('\t'))
      expect(statements).toHaveLength(4 + 2 + 1)
      // Every quote inside a statement is escaped or paired: strip escapes and count.
      for (const s of statements)
        expect((s.replace(/\\./g, '').match(/"/g) ?? []).length % 2).toBe(0)
    },
  )
})

describeWithTool('dot', 'Graphviz dot reads what writeDot writes', () => {
  test.each(HOSTILE.map((name, i) => [i, name]))(
    'hostile name #%d renders with exactly the expected nodes',
    (_, name) => {
      const dot = writeDot(tinyProfile({ name, file: name }, { name: `${name}2` }))
      const plain = run('dot', ['-Tplain'], { input: dot })
      const nodes = plain.split('\n').filter((l) => l.startsWith('node '))
      const edges = plain.split('\n').filter((l) => l.startsWith('edge '))
      expect(nodes.map((l) => l.split(' ')[1]).sort()).toEqual(['0', '1'])
      expect(edges.map((l) => l.split(' ').slice(1, 3).join('->'))).toEqual(['0->1'])
    },
  )

  test.each([
    'recursion',
    'builtins_gen',
    'asyncio_app',
    'classes',
    'recursion.py27',
    'recursion.yappi',
  ])('%s.prof renders to SVG', (name) => {
    const svg = run('dot', ['-Tsvg'], {
      input: writeDot(readPstats(fixture(`pstats/${name}.prof`))),
    })
    expect(svg).toContain('</svg>')
    expect(svg).toContain('class="node"')
  })
})

describe("percentages are Python's numbers", () => {
  test.each(['recursion', 'builtins_gen', 'classes'])(
    '%s: top nodes show ct / total_tt',
    (name) => {
      const oracle = JSON.parse(readFileSync(fixturePath(`pstats/${name}.oracle.json`), 'utf8'))
      const dot = writeDot(readPstats(fixture(`pstats/${name}.prof`)))
      const top = [...oracle.functions].sort((a, b) => b.ct - a.ct).slice(0, 5)
      for (const fn of top) {
        const module =
          fn.file === '~'
            ? '~'
            : fn.file
                .split('/')
                .pop()
                .replace(/\.[^.]*$/, '')
        const label = [
          `${module}:${fn.line}:${fn.name}`,
          `${((fn.ct / oracle.total_tt) * 100).toFixed(2)}%`,
          `(${((fn.tt / oracle.total_tt) * 100).toFixed(2)}%)`,
          `${fn.nc}×`,
        ].join('\\n')
        expect(dot).toContain(`label="${label.replace(/"/g, '\\"')}"`)
      }
    },
  )
})

describe("the format's writeStream", () => {
  const bytes = (profile: Profile, options = {}) => {
    const chunks: Buffer[] = []
    dotFormat.writeStream!(profile, options, (chunk) => chunks.push(Buffer.from(chunk)))
    return Buffer.concat(chunks)
  }
  test.each(['classes', 'recursion'])("gives writeDot's text as UTF-8 (%s.prof)", (name) => {
    const profile = () => readPstats(fixture(`pstats/${name}.prof`))
    expect(bytes(profile())).toEqual(Buffer.from(writeDot(profile()), 'utf8'))
    const list = { listFunctions: '+' }
    expect(bytes(profile(), list)).toEqual(Buffer.from(writeDot(profile(), list), 'utf8'))
  })
  test('a lone surrogate in a name becomes U+FFFD, as writing the string would', () => {
    const profile = () => tinyProfile({ name: 'lone \ud800 é' }, { name: '\udfff😀' })
    expect(bytes(profile())).toEqual(Buffer.from(writeDot(profile()), 'utf8'))
    expect(bytes(profile()).includes(Buffer.from('\ufffd', 'utf8'))).toBe(true)
  })
})

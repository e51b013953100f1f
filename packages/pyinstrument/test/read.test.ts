import { readFileSync } from 'node:fs'
import { ProfconvError, graphOf, type Profile } from '@profconv/model'
import { fixture, fixturePath } from '@profconv/testkit'
import { readPyinstrument, sniffPyinstrument } from '../src/index.js'

// The fixtures were made by pyinstrument's own code (its source, with its pure-Python sampler,
// scripts/fixtures-pyinstrument.sh): pyinstrument cannot be installed here.

/** Per `name file`: [self, total] of the one metric. */
function byFunction(profile: Profile): Map<string, [number, number]> {
  return new Map(
    graphOf(profile).nodes.map((n) => {
      const f = profile.frames.get(n.frame)
      return [`${f.name} ${f.file ?? ''}`, [n.self[0], n.total[0]]]
    }),
  )
}

describe('pyinstrument session (.pyisession)', () => {
  const profile = readPyinstrument(fixture('pyinstrument/work.pyisession'))
  const oracle = JSON.parse(
    readFileSync(fixturePath('pyinstrument/work.pyisession.oracle.json'), 'utf8'),
  ) as {
    total: number
    sample_count: number
    functions: { name: string; file: string; self: number }[]
  }

  test('sniffed by content; one sample per frame record, seconds', () => {
    expect(sniffPyinstrument(fixture('pyinstrument/work.pyisession'))).toBe(true)
    expect(profile.metrics).toEqual([{ name: 'wall', unit: 'seconds' }])
    expect(profile.samples!.stack.length).toBe(oracle.sample_count)
  })

  test('every function’s self time equals pyinstrument’s own frame tree', () => {
    const got = byFunction(profile)
    for (const fn of oracle.functions)
      expect([fn.name, got.get(`${fn.name} ${fn.file}`)?.[0]]).toEqual([
        fn.name,
        expect.closeTo(fn.self, 9),
      ])
    const total = profile.samples!.values[0].reduce((a, b) => a + b, 0)
    expect(total).toBeCloseTo(oracle.total, 9)
  })

  test('the line being run is on the stack node; class names prefix methods', () => {
    const tree = profile.samples!.tree
    const lines = new Set<string>()
    for (let n = 0; n < tree.length; n++)
      lines.add(`${profile.frames.get(tree.frame(n)).name}:${tree.line(n)}`)
    expect(lines).toContain('main:36')
    expect(profile.frames.frames.some((f) => f.name === 'Thread.start')).toBe(true)
  })
})

describe('pyinstrument -r json (a processed call tree)', () => {
  const profile = readPyinstrument(fixture('pyinstrument/work.pyinstrument.json'))
  const json = JSON.parse(readFileSync(fixturePath('pyinstrument/work.pyinstrument.json'), 'utf8'))

  test('sniffed; the root’s time is the total; noted as processed', () => {
    expect(sniffPyinstrument(fixture('pyinstrument/work.pyinstrument.json'))).toBe(true)
    const total = profile.samples!.values[0].reduce((a, b) => a + b, 0)
    expect(total).toBeCloseTo(json.root_frame.time, 5)
    expect(profile.meta.notes.join('\n')).toMatch(/processed call tree/)
  })

  test('each node of the tree keeps its inclusive time', () => {
    interface Node {
      function: string
      time: number
      children: Node[]
    }
    const got = byFunction(profile)
    // Functions that occur once in the tree: their total is the node's time.
    const count = new Map<string, number>()
    const nodes: Node[] = []
    const walk = (n: Node) => {
      count.set(n.function, (count.get(n.function) ?? 0) + 1)
      nodes.push(n)
      n.children.forEach(walk)
    }
    walk(json.root_frame)
    let checked = 0
    for (const n of nodes) {
      if (count.get(n.function) !== 1) continue
      const entry = [...got].find(
        ([k]) => k.startsWith(`${n.function} `) || k.endsWith(`.${n.function}`),
      )
      if (!entry) continue
      expect([n.function, entry[1][1]]).toEqual([n.function, expect.closeTo(n.time, 5)])
      checked++
    }
    expect(checked).toBeGreaterThan(3)
  })

  test('a bad input is a ProfconvError', () => {
    const bytes = (s: string) => new TextEncoder().encode(s)
    expect(() => readPyinstrument(bytes('{"sample_count": 1}'))).toThrow(ProfconvError)
    expect(() =>
      readPyinstrument(bytes('{"frame_records": [[["a\\u0000f.py\\u00001"], -1]]}')),
    ).toThrow(/not a time/)
  })
})

import { ProfconvError, dumpStacks, graphOf } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readGhcProfJson, readGhcProfJsonStream, sniffGhcProfJson } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const errorOf = (value: unknown) => {
  try {
    readGhcProfJson(utf8(JSON.stringify(value)))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}

describe('GHC +RTS -pj profile (speedscope sample, written by GHC)', () => {
  const bytes = fixture('ghc/binary-trees.prof.json')
  const header = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, number>
  const [profile] = readGhcProfJson(bytes)
  const sum = (m: number) => profile.samples!.values[m].reduce((a, b) => a + b, 0)

  test("the samples add up to the header's total ticks and total allocation", () => {
    expect(profile.metrics.map((m) => `${m.name}/${m.unit}`)).toEqual([
      'time/microseconds',
      'alloc/bytes',
      'entries/count',
    ])
    expect(sum(0)).toBe(header.total_ticks * header.tick_interval)
    expect(sum(1)).toBe(header.total_alloc)
  })

  test('cost centres are frames with module, file and line; the tree is the stacks', () => {
    const check = profile.frames.frames.find((f) => f.name === 'check')
    expect(check).toEqual({ name: 'check', module: 'Main', file: 'src/Main.hs', line: 56 })
    const graph = graphOf(profile)
    const main = graph.nodes.find((n) => profile.frames.get(n.frame).name === 'MAIN')!
    expect(main.total[0]).toBe(sum(0))
    expect(profile.meta.name).toBe('binary-trees')
  })

  test('read from 3-byte chunks gives what read gives', async () => {
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) =>
      bytes.subarray(i * 3, i * 3 + 3),
    )
    const [streamed] = await readGhcProfJsonStream(chunks)
    expect(dumpStacks(streamed)).toBe(dumpStacks(profile))
    expect(streamed.meta).toEqual(profile.meta)
  })

  test('members in sorted order (the tree before the cost centres) read the same', () => {
    const file = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>
    const sorted = Object.fromEntries(
      Object.entries(file).sort(([a], [b]) =>
        a === 'profile' ? -1 : b === 'profile' ? 1 : a < b ? -1 : 1,
      ),
    )
    const [again] = readGhcProfJson(utf8(JSON.stringify(sorted)))
    expect(dumpStacks(again)).toBe(dumpStacks(profile))
  })

  test('sniffed by content', () => {
    expect(sniffGhcProfJson(bytes)).toBe(true)
    expect(sniffGhcProfJson(utf8('{"nodes":[],"samples":[]}'))).toBe(false)
  })

  test('a deep tree is walked without recursion', () => {
    const node =
      '{"id":1,"ticks":0,"children":['.repeat(5000) + '{"id":1,"ticks":1}' + ']}'.repeat(5000)
    const centres = '[{"id":1,"label":"go","module":"Main","src_loc":"<built-in>"}]'
    const text = `{"rts_arguments":[],"tick_interval":1000,"cost_centres":${centres},"profile":${node}}`
    const [deep] = readGhcProfJson(utf8(text))
    expect(deep.samples!.tree.stack(deep.samples!.stack[0])).toHaveLength(5001)
  })

  test('malformed profiles are ProfconvErrors naming the place', () => {
    const base = { cost_centres: [{ id: 1, label: 'f' }], tick_interval: 1 }
    expect(errorOf({ ...base })).toMatch(/missing 'profile'/)
    expect(errorOf({ ...base, profile: { id: 2 } })).toMatch(/profile\.id names no cost centre/)
    expect(errorOf({ ...base, profile: { id: 1, ticks: -1 } })).toMatch(/ticks is not/)
    expect(errorOf({ profile: { id: 2 }, ...base })).toMatch(/id names no cost centre: 2/)
    const text = JSON.stringify({ ...base, profile: { id: 1, children: [{ id: 1, alloc: -5 }] } })
    expect(() => readGhcProfJson(utf8(text))).toThrow(
      `at byte ${text.indexOf('-5')}: profile.children[0].alloc is not a non-negative number: -5`,
    )
    expect(errorOf({ ...base, profile: { id: 1, children: [3] } })).toMatch(
      /profile\.children\[0\] is not an object/,
    )
  })
})

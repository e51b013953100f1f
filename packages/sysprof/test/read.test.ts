import { ProfconvError, dumpStacks, graphOf } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readSysprof, readSysprofStream, sniffSysprof } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const errorOf = (text: string) => {
  try {
    readSysprof(utf8(text))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}
const doc = (objects: string, nodes: string) =>
  `<profile><size>1</size><objects>${objects}</objects><nodes>${nodes}</nodes></profile>`
const object = (id: number, name: string) =>
  `<object id="${id}"><name>"${name}"</name><total>1</total><self>1</self></object>`
const node = (id: number, obj: number | string, parent: number, self = 1) =>
  `<node id="${id}"><object>${obj}</object><parent>${parent}</parent><self>${self}</self></node>`

describe('sysprof XML (built from the documented shape)', () => {
  const bytes = fixture('sysprof/calc.documented.sysprof')
  const [profile] = readSysprof(bytes)

  test("each node's self samples sit on its path, the process on top", () => {
    expect(dumpStacks(profile).split('\n').sort()).toEqual([
      '[Xorg];in kernel 2',
      '[calc];main 1',
      '[calc];main;__i686.get_pc_thunk.bx 2',
      '[calc];main;parse 2',
      '[calc];main;parse;lex 4',
      '[calc];main;parse;lex;__i686.get_pc_thunk.bx 1',
    ])
  })

  test("every function's self and total are the file's own <self> and <total>", () => {
    const text = new TextDecoder().decode(bytes)
    const graph = graphOf(profile)
    const objects = [
      ...text.matchAll(
        /<object id="(\d+)">\s*<name>"(.*)"<\/name>\s*<total>(\d+)<\/total>\s*<self>(\d+)<\/self>/g,
      ),
    ]
    expect(objects.length).toBe(9)
    for (const [, id, name, total, self] of objects) {
      const frame = profile.frames.frames.findIndex(
        (f) =>
          f.name === name.replace(/&lt;/g, '<') &&
          (f.module === undefined || f.module === `sysprof object ${id}`),
      )
      const fn = graph.nodes.find((n) => n.frame === frame)
      expect([name, fn?.self[0] ?? 0, fn?.total[0] ?? 0]).toEqual([name, +self, +total])
    }
  })

  test('sniffed by its root; 3-byte chunks give what read gives', async () => {
    expect(sniffSysprof(bytes)).toBe(true)
    expect(sniffSysprof(utf8('<profile><x/></profile>'))).toBe(false)
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) =>
      bytes.subarray(i * 3, i * 3 + 3),
    )
    expect(dumpStacks((await readSysprofStream(chunks))[0])).toBe(dumpStacks(profile))
  })

  test('errors say which record is wrong', () => {
    expect(errorOf('<profile></profile>')).toMatch(/no <object> or <node> elements/)
    expect(errorOf(doc(object(1, 'f'), node(2, 'x', 0)))).toMatch(
      /node object is not a whole number: "x"/,
    )
    expect(errorOf(doc(object(1, 'f'), node(2, 1, 7)))).toMatch(/node 2: no node 7, its parent/)
    expect(errorOf(doc(object(1, 'f'), node(2, 3, 0)))).toMatch(/node 2: no object 3/)
    expect(errorOf(doc(object(1, 'f'), node(2, 1, 3) + node(3, 1, 2, 0)))).toMatch(/parents loop/)
  })
})

import { readFileSync } from 'node:fs'
import { graphOf, mergeProfiles, type Profile } from '@profconv/model'
import { fixture, fixturePath } from '@profconv/testkit'
import { readPstats } from '../src/index.js'

interface OracleKey {
  file: string
  line: number
  name: string
}
interface Oracle {
  functions: (OracleKey & {
    cc: number
    nc: number
    tt: number
    ct: number
    callers: (OracleKey & { value: number[] | number })[]
  })[]
  total_tt: number
}

const keyText = (k: OracleKey) => `${k.file}:${k.line}:${k.name}`

/** The model's call graph in the oracle's terms, built straight from graph nodes and edges. */
function asOracleTable(profile: Profile) {
  const graph = graphOf(profile)
  const keyOf = (id: number) => {
    const f = profile.frames.get(id)
    return keyText({ file: f.file ?? '~', line: f.line ?? 0, name: f.name })
  }
  const table = new Map<
    string,
    { cc?: number; nc?: number; tt: number; ct: number; callers: Map<string, unknown> }
  >()
  for (const n of graph.nodes) {
    table.set(keyOf(n.frame), {
      cc: n.primitiveCalls,
      nc: n.calls,
      tt: n.self[0],
      ct: n.total[0],
      callers: new Map(),
    })
  }
  for (const e of graph.edges) {
    const value = graph.edgeCostsEstimated
      ? e.calls
      : [e.calls, e.primitiveCalls, e.self?.[0], e.total[0]]
    table.get(keyOf(e.callee))!.callers.set(keyOf(e.caller), value)
  }
  return table
}

function expectMatches(profile: Profile, oracleFile: string, { swapped = false } = {}) {
  const oracle = JSON.parse(readFileSync(fixturePath(oracleFile), 'utf8')) as Oracle
  const table = asOracleTable(profile)
  expect(table.size).toBe(oracle.functions.length)
  for (const fn of oracle.functions) {
    const got = table.get(keyText(fn))
    expect(got).toBeDefined()
    const [cc, nc] = swapped ? [fn.nc, fn.cc] : [fn.cc, fn.nc]
    expect({ key: keyText(fn), cc: got!.cc, nc: got!.nc, tt: got!.tt, ct: got!.ct }).toEqual({
      key: keyText(fn),
      cc,
      nc,
      tt: fn.tt,
      ct: fn.ct,
    })
    expect(got!.callers.size).toBe(fn.callers.length)
    for (const c of fn.callers)
      expect([keyText(c), got!.callers.get(keyText(c))]).toEqual([keyText(c), c.value])
  }
  const selfSum = graphOf(profile).nodes.reduce((s, n) => s + n.self[0], 0)
  expect(selfSum).toBeCloseTo(oracle.total_tt, 12)
}

describe("readPstats equals Python's pstats reading", () => {
  test.each([
    ['recursion.prof', 'recursion.oracle.json'],
    ['builtins_gen.prof', 'builtins_gen.oracle.json'],
    ['asyncio_app.prof', 'asyncio_app.oracle.json'],
    ['classes.prof', 'classes.oracle.json'],
    ['recursion.profile.prof', 'recursion.profile.oracle.json'],
    ['recursion.py27.prof', 'recursion.py27.oracle.json'],
    ['classes.py27.prof', 'classes.py27.oracle.json'],
    ['recursion.py27-profile.prof', 'recursion.py27-profile.oracle.json'],
  ])('%s', (file, oracle) => {
    expectMatches(readPstats(fixture(`pstats/${file}`)), `pstats/${oracle}`)
  })

  test('yappi: cc and nc swapped back', () => {
    const profile = readPstats(fixture('pstats/recursion.yappi.prof'))
    expectMatches(profile, 'pstats/recursion.yappi.oracle.json', { swapped: true })
    const fib = graphOf(profile).nodes.find((n) => profile.frames.get(n.frame).name === 'fib')!
    expect(fib.calls).toBeGreaterThan(fib.primitiveCalls!)
  })

  test('two files merge as pstats.Stats(a, b) merges them', () => {
    const merged = mergeProfiles([
      readPstats(fixture('pstats/recursion.prof')),
      readPstats(fixture('pstats/recursion-2.prof')),
    ])
    expectMatches(merged, 'pstats/recursion-merged.oracle.json')
  })

  test("the profile module's bare caller counts give estimated edge times, with a note", () => {
    const profile = readPstats(fixture('pstats/recursion.profile.prof'))
    expect(profile.graph!.edgeCostsEstimated).toBe(true)
    expect(profile.meta.notes.join()).toMatch(/estimated from call counts/)
  })

  test('identity is the whole tuple: same-named methods stay apart', () => {
    const profile = readPstats(fixture('pstats/classes.prof'))
    const parses = profile.frames.frames.filter((f) => f.name === 'parse')
    expect(parses.map((f) => f.line).sort((a, b) => a! - b!)).toEqual([5, 13])
  })

  test('recursion never makes a total exceed the profile total', () => {
    const profile = readPstats(fixture('pstats/recursion.prof'))
    const graph = graphOf(profile)
    const total = graph.nodes.reduce((s, n) => s + n.self[0], 0)
    for (const n of graph.nodes) expect(n.total[0]).toBeLessThanOrEqual(total * (1 + 1e-9))
  })
})

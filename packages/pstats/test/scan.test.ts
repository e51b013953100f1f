import { readdirSync } from 'node:fs'
import { fixture, fixturePath } from '@profconv/testkit'
import { readMarshalTree } from '../src/read.js'
import { scanPstats } from '../src/scan.js'
import { StatsTable, keyHash } from '../src/stats-table.js'
import { tableToProfile } from '../src/stats.js'
import { writePstats } from '../src/write.js'

const fixtures = readdirSync(fixturePath('pstats')).filter((f) => f.endsWith('.prof'))

/** The fast path's profile, or undefined where it hands the file to the general decoder. */
function scanned(bytes: Uint8Array) {
  const table = scanPstats(bytes)
  return table && tableToProfile(table, 'pstats')
}

describe('the marshal scanner (fast path)', () => {
  test.each(fixtures)('%s: same profile as the general decoder, or declines', (name) => {
    const bytes = fixture(`pstats/${name}`)
    const fast = scanned(bytes)
    if (fast) expect(fast).toStrictEqual(readMarshalTree(bytes))
  })

  test('reads what CPython and our writer write: all fixtures but code-object keys', () => {
    const declined = fixtures.filter((f) => !scanPstats(fixture(`pstats/${f}`)))
    // Python's profile module names some functions by code objects: the general path reads those.
    expect(declined).toEqual(['recursion.profile.prof', 'recursion.py27-profile.prof'])
  })

  test('key tuples referred back to (our writer) read the same', () => {
    const written = writePstats(readMarshalTree(fixture('pstats/asyncio_app.prof')))
    expect(scanned(written)).toStrictEqual(readMarshalTree(written))
  })

  test('a repeated function and a repeated caller are summed as the general path sums them', () => {
    // {f: (…, {f: (1, 1, …), f: (2, 2, …)}), g: (…, {f: (1, 1, …)}), f: (…same as the first…)}
    const key = (name: number) => [0x29, 3, 0x7a, 1, 0x61, 0x69, 1, 0, 0, 0, 0x7a, 1, name]
    const [f, g] = [key(0x66), key(0x67)]
    const float = (v: number) => [0x67, ...new Uint8Array(new Float64Array([v]).buffer)]
    const int = (v: number) => [0x69, v, 0, 0, 0]
    const values = [0x29, 4, ...int(1), ...int(1), ...float(0.25), ...float(0.5)]
    const caller = (n: number) => [
      ...f,
      0x29,
      4,
      ...int(n),
      ...int(n),
      ...float(0.25),
      ...float(0.5),
    ]
    const entry = (k: number[], callers: number[]) => [
      ...k,
      ...[0x29, 5, ...int(1), ...int(1), ...float(0.5), ...float(1)],
      ...[0x7b, ...callers, 0x30],
    ]
    const fEntry = entry(f, [...caller(1), ...caller(2)])
    const gEntry = entry(g, [...f, ...values])
    const bytes = Uint8Array.from([0x7b, ...fEntry, ...gEntry, ...fEntry, 0x30])
    const fast = scanned(bytes)
    expect(fast).toBeDefined()
    expect(fast).toStrictEqual(readMarshalTree(bytes))
    expect(fast!.graph!.edges.map((e) => [e.caller, e.callee, e.calls])).toEqual([
      [0, 0, 6],
      [0, 1, 1],
    ])
  })

  test.each([
    ['a truncated file', (b: Uint8Array) => b.subarray(0, b.length - 3)],
    [
      'a back-reference to nothing',
      (b: Uint8Array) => Uint8Array.from([...b.subarray(0, 2), 0x72, 0xff, 0xff, 0, 0]),
    ],
  ])('declines %s (the general decoder reports it)', (_, cut) => {
    expect(scanPstats(cut(fixture('pstats/recursion.prof')))).toBeUndefined()
  })
})

describe('the key table', () => {
  test('keys that differ only by a fractional line are distinct and spread out', () => {
    const table = new StatsTable()
    const ids = new Set<number>()
    for (let i = 0; i < 50_000; i++) ids.add(table.keys.keyOf('x.py', i / 64, 'f'))
    expect(ids.size).toBe(50_000)
    expect(table.keys.keyOf('x.py', 3 / 64, 'f')).toBe(3)
    // Spread, not one probe chain (which would cost 50,000² / 2 comparisons): their hashes fill
    // almost as many slots of a 2^17 table as a random function would (~41,000 of 50,000).
    const slots = new Set<number>()
    for (let i = 0; i < 50_000; i++) slots.add(keyHash(0, i / 64, 1) & (2 ** 17 - 1))
    expect(slots.size).toBeGreaterThan(38_000)
  })
})

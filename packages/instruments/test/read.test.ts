import { ProfconvError, dumpStacks, graphOf, type Profile } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readInstruments, readInstrumentsStream, sniffInstruments } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const errorOf = (text: string) => {
  try {
    readInstruments(utf8(text))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}
const total = (profile: Profile, name: string) => {
  const graph = graphOf(profile)
  return graph.nodes.find((n) => profile.frames.get(n.frame).name === name)!.total[0]
}

describe.each([
  ['simple-time-profile-deep-copy-7.3.1', 'time', 'start', 4273, 'delta()', 2126],
  ['simple-time-profile-deep-copy-16.0', 'time', 'start', 4930, 'delta()', 2450],
  [
    'random-allocations-deep-copy-7.3.1',
    'bytes',
    'start',
    429.93 * 2 ** 20,
    'delta()',
    217.09 * 2 ** 20,
  ],
  ['cycles-example-deep-copy-13.4', 'cycles', 'start', 96.08e9, undefined, 0],
])('Instruments deep copy %s (speedscope sample)', (name, metric, root, rootTotal, fn, fnTotal) => {
  const bytes = fixture(`instruments/${name}.instruments.txt`)
  const [profile] = readInstruments(bytes)

  test("each row's total is its own share plus its children's: the root's and a function's as printed", () => {
    expect(profile.metrics[0].name).toBe(metric)
    // Rows are rounded as printed, so a parent's total is its own rounded value at least.
    expect(total(profile, root)).toBeGreaterThanOrEqual(rootTotal * 0.999)
    expect(total(profile, root)).toBeLessThanOrEqual(rootTotal * 1.01)
    if (fn) expect(total(profile, fn)).toBeCloseTo(fnTotal, -1)
  })

  test('is sniffed; 3-byte chunks give what read gives', async () => {
    expect(sniffInstruments(bytes)).toBe(true)
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) =>
      bytes.subarray(i * 3, i * 3 + 3),
    )
    expect(dumpStacks((await readInstrumentsStream(chunks))[0])).toBe(dumpStacks(profile))
  })
})

describe('layout', () => {
  const text = [
    'Running Time\tSelf (ms)\t\tSymbol Name',
    '10.0ms  100.0%\t0\t \tstart',
    '10.0ms  100.0%\t2\t \t main',
    '6.0ms   60.0%\t6\t \t  work',
    '2.0ms   20.0%\t2\t \t  main',
    '',
  ].join('\n')

  test('indentation is depth; self is the total less the children', () => {
    const [profile] = readInstruments(utf8(text))
    expect(dumpStacks(profile).split('\n').sort()).toEqual([
      'start;main 2',
      'start;main;main 2',
      'start;main;work 6',
    ])
  })

  test('errors name the line', () => {
    expect(errorOf('hello\n')).toMatch(/line 1: the first line is not a call tree header/)
    expect(errorOf(`${text}1.0ms  1%\t1\t \t      deep\n`)).toMatch(/line 6: a row indented/)
    expect(errorOf(text.replace('6.0ms', '6.0 parsecs'))).toMatch(/line 4: unknown unit/)
  })
})

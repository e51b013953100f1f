import { ProfconvError, dumpGraph } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readAxe, readAxeStream, sniffAxe } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const errorOf = (text: string) => {
  try {
    readAxe(utf8(text))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}
const HEADER =
  'Index  % CPU Time:Total  CPU Time:Self  CPU Time:Children  Name                          Index\n'

describe('VTune gprof-cc report (built from the documented shape)', () => {
  const bytes = fixture('axe/calc.documented.axe')
  const [profile] = readAxe(bytes)

  test('self and self + children per function; calls carry their callee line times', () => {
    expect(profile.metrics).toEqual([{ name: 'CPU Time', unit: 'seconds' }])
    expect(dumpGraph(profile).split('\n')).toEqual([
      'edge apply -> eval total=0', // within the cycle: no times printed
      'edge builtin -> strlen total=0.5',
      'edge eval -> apply total=0',
      'edge eval -> builtin total=1.5',
      'edge lex -> strlen total=1',
      'edge main -> eval total=2',
      'edge main -> parse total=8',
      'edge parse -> lex total=5',
      'edge parse -> strlen total=1',
      // Cycle members: their printed share of the 10 s (20 % and 4 %), not self + children.
      'fn apply self=0.2 total=0.4',
      'fn builtin self=1 total=1.5',
      'fn eval self=0.3 total=2',
      'fn lex self=4 total=5',
      'fn main self=0 total=10',
      'fn parse self=1.5 total=8',
      'fn strlen self=2.5 total=2.5',
    ])
    expect(profile.meta.notes.join('\n')).toMatch(/no call counts/)
  })

  test('sniffed by its header; 3-byte chunks give what read gives', async () => {
    expect(sniffAxe(bytes)).toBe(true)
    expect(sniffAxe(utf8('index % time    self  children    called     name\n'))).toBe(false)
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) =>
      bytes.subarray(i * 3, i * 3 + 3),
    )
    expect(dumpGraph((await readAxeStream(chunks))[0])).toBe(dumpGraph(profile))
  })

  test('errors name the line', () => {
    expect(errorOf('hello\n')).toMatch(/line 1: the first line is not VTune's gprof-cc header/)
    expect(errorOf(`${HEADER}[1]  100.0  1.0  0.0  f  [2]\n`)).toMatch(
      /line 2: index \[1\] ends with \[2\]/,
    )
    expect(errorOf(`${HEADER}[1]  100.0  1.0  0.0  f  [1]\n   1.0  0.0  g\n`)).toMatch(
      /line 3: a callee line without an index/,
    )
    expect(
      errorOf(`${HEADER}[1]  100.0  1.0  0.0  f  [1]\n\n[1]  100.0  1.0  0.0  f  [1]\n`),
    ).toMatch(/line 4: a second entry for \[1\]/)
  })
})

import { ProfconvError, dumpStacks, graphOf } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readXperf, readXperfStream, sniffXperf } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const errorOf = (text: string) => {
  try {
    readXperf(utf8(text))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}
const HEADER = 'Process Name, Stack, Module, Function, Weight, Count'

describe('xperf CSV export (built from the documented shape)', () => {
  const bytes = fixture('xperf/cpu.documented.xperf')
  const [profile] = readXperf(bytes)

  test('each row is its stack below [Root] with Weight × Count ms and Count samples', () => {
    expect(profile.metrics.map((m) => `${m.name}/${m.unit}`)).toEqual([
      'time/milliseconds',
      'samples/count',
    ])
    const root = '_RtlUserThreadStart;BaseThreadInitThunk;mainCRTStartup;main'
    expect(dumpStacks(profile).split('\n').sort()).toEqual([
      'KiPageFault 1 1', // an unknown stack (?): the sampled function alone
      `${root};eval 0.5 1`, // missing from its own stack: added as its leaf
      `${root};parse 2 2`, // weight 1 ms × count 2
      `${root};parse;lex 2.001374 2`,
    ])
    expect(profile.frames.frames.find((f) => f.name === 'lex')?.module).toBe('calc.exe')
    expect(profile.samples!.labels![0]).toEqual([{ key: 'process', str: 'calc.exe' }])
    expect(profile.samples!.time![0]).toBe(1.25e9)
    expect(profile.meta.notes).toEqual(['3 ms of the Idle process left out'])
    const main = graphOf(profile).nodes.find((n) => profile.frames.get(n.frame).name === 'main')!
    expect(main.total[0]).toBeCloseTo(4.501374, 9)
  })

  test('sniffed by its header; 3-byte chunks give what read gives', async () => {
    expect(sniffXperf(bytes)).toBe(true)
    expect(sniffXperf(utf8('Process Name, Stack\nx, y\n'))).toBe(false)
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) =>
      bytes.subarray(i * 3, i * 3 + 3),
    )
    expect(dumpStacks((await readXperfStream(chunks))[0])).toBe(dumpStacks(profile))
  })

  test('errors name the line', () => {
    expect(errorOf('a, b\n')).toMatch(/line 1: the header has no column Process Name/)
    expect(errorOf(`${HEADER}\np, [Root]/m!f, m, f, 1, 1, extra\n`)).toMatch(
      /line 2: a row of 7 fields under a header of 6/,
    )
    expect(errorOf(`${HEADER}\np, [Root]/m!f, m, f, x, 1\n`)).toMatch(/line 2: .*not numbers/)
    expect(errorOf(`${HEADER}\np, m!f, m, f, 1, 1\n`)).toMatch(/not starting at \[Root\]/)
    expect(errorOf(`${HEADER}\n`)).toMatch(/no sample rows/)
  })
})

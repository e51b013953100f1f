import { ProfconvError, dumpStacks, graphOf } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readXctrace, readXctraceStream, sniffInstruments, sniffXctrace } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const FILE = 'instruments/time-profile.documented.xctrace.xml'
const errorOf = (text: string) => {
  try {
    readXctrace(utf8(text))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}
const HEAD = '<?xml version="1.0"?>\n<trace-query-result>\n<node><schema name="time-profile"/>\n'
const TAIL = '</node></trace-query-result>\n'
const row = (body: string) => `<row>${body}</row>\n`

describe('xctrace time-profile export (built from the documented shape)', () => {
  const bytes = fixture(FILE)
  const [profile] = readXctrace(bytes)

  test('each row is a sample of its weight (ns) on its backtrace, leaf last; refs resolved', () => {
    expect(profile.metrics).toEqual([
      { name: 'time', unit: 'nanoseconds' },
      { name: 'samples', unit: 'count' },
    ])
    // Rows 1-2 share backtrace 10, row 3 is main alone, row 4 weighs 2 ms, row 5 is a thread.
    expect(dumpStacks(profile).split('\n').sort()).toEqual([
      '_pthread_start;worker & helper 1000000 1',
      'start;main (/Users/me/fib/fib.c) 1000000 1',
      'start;main (/Users/me/fib/fib.c);fib (/Users/me/fib/fib.c);fib (/Users/me/fib/fib.c) 2000000 2',
      'start;main (/Users/me/fib/fib.c);printf;0x18f2d7a10;write 2000000 1',
    ])
    expect(profile.frames.frames.find((f) => f.name === 'write')?.module).toBe(
      'libsystem_kernel.dylib',
    )
    expect(Array.from(profile.samples!.time!)).toEqual([
      1012458, 2013000, 3011250, 4016000, 5010000,
    ])
    expect(profile.samples!.labels![4]).toEqual([
      { key: 'thread', str: 'Thread 0x1f31 (fib, pid: 4120)' },
    ])
    expect(profile.meta.notes.join()).toMatch(/1000000 nanoseconds of samples without a backtrace/)
  })

  test("main's total is every sample below it: 5 of the 6 ms with a backtrace", () => {
    const graph = graphOf(profile)
    const main = graph.nodes.find((n) => profile.frames.get(n.frame).name === 'main')!
    expect(main.total[0]).toBe(5_000_000)
    expect(main.self[0]).toBe(1_000_000)
  })

  test('sniffed apart from the deep copy; 3-byte chunks give what read gives', async () => {
    expect(sniffXctrace(bytes)).toBe(true)
    expect(sniffInstruments(bytes)).toBe(false)
    expect(
      sniffXctrace(fixture('instruments/simple-time-profile-deep-copy-16.0.instruments.txt')),
    ).toBe(false)
    expect(sniffXctrace(utf8(HEAD.replace('time-profile', 'os-signpost')))).toBe(false)
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) =>
      bytes.subarray(i * 3, i * 3 + 3),
    )
    const streamed = (await readXctraceStream(chunks))[0]
    expect(dumpStacks(streamed)).toBe(dumpStacks(profile))
    expect(Array.from(streamed.samples!.time!)).toEqual(Array.from(profile.samples!.time!))
  })

  test('cpu-profile tables weigh rows in cycles', () => {
    const text = `${HEAD}${row('<cycle-weight id="1" fmt="1.5 Mc">1500000</cycle-weight><backtrace id="2"><frame id="3" name="f" addr="0x1"/></backtrace>')}${row('<cycle-weight ref="1"/><backtrace ref="2"/>')}${TAIL}`
    const [p] = readXctrace(utf8(text))
    expect(p.metrics[0]).toEqual({ name: 'cycles', unit: 'count' })
    expect(dumpStacks(p)).toBe('f 3000000 2')
  })

  test('errors say what is wrong and in which row', () => {
    expect(errorOf(`${HEAD}${TAIL}`)).toMatch(/no <row> elements/)
    expect(errorOf(`${HEAD}${row('<weight ref="9"/><backtrace id="2"/>')}${TAIL}`)).toMatch(
      /row 1 .*ref="9" before any element with that id/,
    )
    expect(errorOf(`${HEAD}${row('<weight>x</weight><backtrace id="2"/>')}${TAIL}`)).toMatch(
      /row 1 .*not a number/,
    )
    expect(errorOf(`${HEAD}${row('<backtrace id="2"/>')}${TAIL}`)).toMatch(/without a weight/)
    expect(
      errorOf(`${HEAD}${row('<weight>1</weight><backtrace><frame id="1"/></backtrace>')}${TAIL}`),
    ).toMatch(/without a name or addr/)
  })
})

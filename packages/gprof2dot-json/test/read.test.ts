import { ProfconvError, dumpStacks, graphOf } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readGprof2dotJson, readGprof2dotJsonStream, sniffGprof2dotJson } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const errorOf = (value: unknown) => {
  try {
    readGprof2dotJson(utf8(JSON.stringify(value)))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}

describe('gprof2dot JSON (schema version 0)', () => {
  test('events become samples, callchains (callee first) stacks root first', () => {
    const [profile] = readGprof2dotJson(fixture('gprof2dot-json/leaks.json'))
    expect(profile.metrics).toEqual([{ name: 'Memory', unit: 'bytes' }])
    expect(dumpStacks(profile).split('\n').sort()).toEqual(
      [
        'main;read_config;parse_line;buffer_grow;malloc 6144',
        'main;read_config;buffer_grow;malloc 1024',
        'main;parse_line;calloc 256',
        'main;walk;walk;walk;malloc 512',
      ].sort(),
    )
    expect(profile.frames.frames[0]).toEqual({ name: 'malloc', module: 'libc.so.6' })
    expect(profile.samples!.labels![0]).toEqual([{ key: 'process', str: 'app' }])
  })

  test('totals are exact shares of the stacks, as gprof2dot draws them (percentages checked beside)', () => {
    // gprof2dot -f json draws main 100 %, read_config 90.32 %, parse_line 80.65 %, malloc 96.77 %
    // (self), walk 6.45 % for this file.
    const [profile] = readGprof2dotJson(fixture('gprof2dot-json/leaks.json'))
    const graph = graphOf(profile)
    const total = 7936
    const share = (name: string, of: 'self' | 'total') => {
      const node = graph.nodes.find((n) => profile.frames.get(n.frame).name === name)!
      return Math.round((node[of][0] / total) * 10000) / 100
    }
    expect(share('main', 'total')).toBe(100)
    expect(share('read_config', 'total')).toBe(90.32)
    expect(share('parse_line', 'total')).toBe(80.65)
    expect(share('malloc', 'self')).toBe(96.77)
    expect(share('walk', 'total')).toBe(6.45)
  })

  test('several costs become several metrics; no unit is a count', () => {
    const [profile] = readGprof2dotJson(fixture('gprof2dot-json/two-costs.json'))
    expect(profile.metrics).toEqual([
      { name: 'Samples', unit: 'count' },
      { name: 'Cycles', unit: 'count' },
    ])
    expect(Array.from(profile.samples!.values[1])).toEqual([3000, 1200, 900])
  })

  test.each(['leaks', 'two-costs'])(
    '%s: read from 3-byte chunks gives what read gives',
    async (name) => {
      const bytes = fixture(`gprof2dot-json/${name}.json`)
      const [profile] = readGprof2dotJson(bytes)
      const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) =>
        bytes.subarray(i * 3, i * 3 + 3),
      )
      const [streamed] = await readGprof2dotJsonStream(chunks)
      expect(dumpStacks(streamed)).toBe(dumpStacks(profile))
      expect(streamed.samples!.labels).toEqual(profile.samples!.labels)
    },
  )

  test('events before costs and functions (sorted keys) read the same', () => {
    const bytes = fixture('gprof2dot-json/leaks.json')
    const file = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>
    const { events, ...rest } = file
    const [again] = readGprof2dotJson(utf8(JSON.stringify({ events, ...rest })))
    expect(dumpStacks(again)).toBe(dumpStacks(readGprof2dotJson(bytes)[0]))
  })

  test('sniffed by content; other JSON is not', () => {
    expect(sniffGprof2dotJson(fixture('gprof2dot-json/leaks.json'))).toBe(true)
    expect(sniffGprof2dotJson(utf8('{"shared":{"frames":[]},"profiles":[]}'))).toBe(false)
    expect(sniffGprof2dotJson(utf8('[1,2]'))).toBe(false)
    // A function table longer than the head the sniffer sees: events come past it.
    const functions = Array.from({ length: 3000 }, (_, i) => ({ name: `function_${i}` }))
    const long = utf8(JSON.stringify({ version: 0, costs: [{}], functions, events: [] }))
    expect(long.length).toBeGreaterThan(64 * 1024)
    expect(sniffGprof2dotJson(long)).toBe(true)
  })

  test('malformed files are ProfconvErrors naming the field', () => {
    const base = { version: 0, costs: [{}], functions: [{ name: 'f' }], events: [] }
    expect(errorOf({ ...base, version: 1 })).toMatch(/unknown version 1/)
    expect(errorOf({ ...base, costs: [] })).toMatch(/missing 'costs'/)
    expect(errorOf({ ...base, events: [{ callchain: [1], cost: [1] }] })).toMatch(
      /events\[0\]\.callchain\[0\] is not a function index: 1/,
    )
    expect(errorOf({ ...base, events: [{ callchain: [0], cost: ['x'] }] })).toMatch(
      /cost\[0\] is not a finite number/,
    )
    expect(errorOf({ ...base, functions: [{}] })).toMatch(/functions\[0\] has no name/)
    const text = JSON.stringify({ ...base, events: [{ callchain: [0], cost: [1] }, 7] })
    expect(() => readGprof2dotJson(utf8(text))).toThrow(
      `at byte ${text.lastIndexOf('7')}: events[1] is not an object`,
    )
  })
})

import { ProfconvError, dumpStacks, frameText } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readSpeedscope, sniffSpeedscope, speedscopeFormat } from '../src/index.js'
import { json } from './helpers.js'

const $schema = 'https://www.speedscope.app/file-format-schema.json'
const frames = [{ name: 'a' }, { name: 'b' }, { name: 'c' }, { name: 'd' }]
const events = (list: [string, number, number][]) =>
  list.map(([type, frame, at]) => ({ type, frame, at }))

// The shapes of speedscope's own file format versions (0.0.1 evented with a `version` field,
// 0.1.2 sampled, 0.6.0 several profiles with activeProfileIndex), written anew here.
const v001 = {
  $schema,
  version: '0.0.1',
  shared: { frames },
  profiles: [
    {
      type: 'evented',
      name: 'simple.txt',
      unit: 'none',
      startValue: 0,
      endValue: 14,
      events: events([
        ['O', 0, 0],
        ['O', 1, 0],
        ['O', 2, 0],
        ['C', 2, 2],
        ['O', 3, 2],
        ['C', 3, 6],
        ['O', 2, 6],
        ['C', 2, 9],
        ['C', 1, 14],
        ['C', 0, 14],
      ]),
    },
  ],
}
const sampled = {
  type: 'sampled',
  name: 'one',
  unit: 'seconds',
  startValue: 0,
  endValue: 14,
  samples: [
    [0, 1, 2],
    [0, 1, 2],
    [0, 1, 3],
    [0, 1, 2],
    [0, 1],
  ],
  weights: [1, 1, 4, 3, 5],
}
const v012 = { $schema, version: '0.1.2', shared: { frames }, profiles: [sampled] }
const v060 = {
  $schema,
  exporter: 'speedscope@0.6.0',
  name: 'Two',
  activeProfileIndex: 1,
  shared: { frames },
  profiles: [sampled, { ...sampled, name: 'two', unit: 'bytes' }],
}

const stacks = (bytes: Uint8Array) => readSpeedscope(bytes).map(dumpStacks)

describe('speedscope reader: file format versions', () => {
  test('0.0.1 evented: each stretch between events is a sample of its length', () => {
    expect(stacks(json(v001))).toEqual(['a;b 5\na;b;c 5\na;b;d 4'])
    const [p] = readSpeedscope(json(v001))
    expect(p.metrics).toEqual([{ name: 'samples', unit: 'count' }])
    expect(p.meta.name).toBe('simple.txt')
    expect(p.samples!.time).toBeUndefined()
  })

  test('0.1.2 sampled keeps samples, weights and the time unit', () => {
    const [p] = readSpeedscope(json(v012))
    expect(dumpStacks(p)).toBe('a;b 5\na;b;c 5\na;b;d 4')
    expect(p.metrics).toEqual([{ name: 'time', unit: 'seconds' }])
    expect(p.meta.duration).toBe(14e9)
    expect(p.samples!.stack.length).toBe(5)
  })

  test('0.6.0: one Profile per speedscope profile; activeProfileIndex is noted', () => {
    const profiles = readSpeedscope(json(v060))
    expect(profiles.map((p) => p.meta.name)).toEqual(['one', 'two'])
    expect(profiles[1].metrics).toEqual([{ name: 'space', unit: 'bytes' }])
    expect(profiles[0].meta.notes[0]).toMatch(/activeProfileIndex 1 \('two'\)/)
    expect(profiles[0].meta.comments).toContain('exporter: speedscope@0.6.0')
  })

  test('evented time-unit profiles keep each sample time in nanoseconds', () => {
    const file = {
      ...v001,
      profiles: [{ ...v001.profiles[0], unit: 'milliseconds', startValue: 0 }],
    }
    const [p] = readSpeedscope(json(file))
    expect(Array.from(p.samples!.time!)).toEqual([0, 2e6, 6e6, 9e6])
  })

  test('frames keep file, line and column', () => {
    const file = {
      ...v012,
      shared: {
        frames: [
          { name: 'a', file: 'x.js', line: 3, col: 7 },
          { name: 'b' },
          { name: 'c' },
          { name: 'd' },
        ],
      },
    }
    const [p] = readSpeedscope(json(file))
    expect(p.frames.get(0)).toEqual({ name: 'a', file: 'x.js', line: 3, column: 7 })
  })

  test('gzip is accepted', async () => {
    const { gzipSync } = await import('node:zlib')
    expect(stacks(new Uint8Array(gzipSync(json(v012))))).toEqual(stacks(json(v012)))
  })
})

describe('speedscope reader: errors', () => {
  const evented = (list: [string, number, number][]) =>
    json({ ...v001, profiles: [{ ...v001.profiles[0], events: events(list) }] })
  const error = (bytes: Uint8Array) => {
    try {
      readSpeedscope(bytes)
    } catch (e) {
      expect(e).toBeInstanceOf(ProfconvError)
      return (e as Error).message
    }
    throw new Error('no error')
  }

  test('out-of-order events', () => {
    expect(
      error(
        evented([
          ['O', 0, 5],
          ['C', 0, 3],
        ]),
      ),
    ).toMatch(
      /profile 0 \('simple.txt'\), event 1 at 3 comes after an event at 5: events must be in order/,
    )
  })

  test('closing a frame that is not innermost', () => {
    expect(
      error(
        evented([
          ['O', 0, 0],
          ['O', 1, 1],
          ['C', 0, 2],
        ]),
      ),
    ).toMatch(/event 2 closes frame 0 \('a'\) but the innermost open frame is 1 \('b'\)/)
  })

  test('closing with nothing open', () => {
    expect(error(evented([['C', 0, 0]]))).toMatch(/closes frame 0 \('a'\) but no frame is open/)
  })

  test('frames left open', () => {
    expect(
      error(
        evented([
          ['O', 0, 0],
          ['O', 1, 1],
        ]),
      ),
    ).toMatch(/unbalanced: 2 frame\(s\) still open at the end/)
  })

  test('frame index out of range, in events and in samples', () => {
    expect(error(evented([['O', 9, 0]]))).toMatch(
      /event 0: frame index 9 is out of range \(4 frames\)/,
    )
    const bad = { ...v012, profiles: [{ ...sampled, samples: [[0, 1, -1]], weights: [1] }] }
    expect(error(json(bad))).toMatch(/sample 0: frame index -1 is out of range/)
  })

  test('samples and weights of different lengths', () => {
    const bad = { ...v012, profiles: [{ ...sampled, weights: [1] }] }
    expect(error(json(bad))).toMatch(/has 5 samples but 1 weights/)
  })

  test('unknown unit and type, missing tables, bad JSON', () => {
    expect(error(json({ ...v012, profiles: [{ ...sampled, unit: 'parsecs' }] }))).toMatch(
      /unknown unit "parsecs"/,
    )
    expect(error(json({ ...v012, profiles: [{ ...sampled, type: 'x' }] }))).toMatch(
      /unknown type "x"/,
    )
    expect(error(json({ $schema, profiles: [] }))).toMatch(/missing 'shared.frames'/)
    expect(error(new TextEncoder().encode('{"$schema": '))).toMatch(/not valid JSON/)
  })
})

describe('speedscope reader: files the speedscope app exported', () => {
  test.each([
    'workload-cpuprofile.speedscope.json',
    'perf-script.speedscope.json',
    'perf-folded.speedscope.json',
  ])('%s: every evented stretch is kept (sum equals the events covered)', (name) => {
    const bytes = fixture(`speedscope/${name}`)
    const file = JSON.parse(new TextDecoder().decode(bytes))
    const profiles = readSpeedscope(bytes)
    expect(profiles).toHaveLength(file.profiles.length)
    profiles.forEach((p, k) => {
      // Independent count: time with at least one frame open.
      let open = 0
      let last = 0
      let covered = 0
      for (const e of file.profiles[k].events) {
        if (open > 0) covered += e.at - last
        last = e.at
        open += e.type === 'O' ? 1 : -1
      }
      const sum = p.samples!.values[0].reduce((a, b) => a + b, 0)
      expect(sum).toBeCloseTo(covered, 9)
      const names = new Set(p.frames.frames.map(frameText))
      expect(names.size).toBe(p.frames.length)
    })
  })

  test('node cpuprofile exported by the app: stacks snapshot', () => {
    expect(stacks(fixture('speedscope/workload-cpuprofile.speedscope.json'))[0]).toMatchSnapshot()
  })
})

describe('speedscope sniffer', () => {
  test('recognises speedscope files, not other JSON', () => {
    expect(sniffSpeedscope(json(v001))).toBe(true)
    expect(sniffSpeedscope(fixture('speedscope/perf-script.speedscope.json'))).toBe(true)
    expect(sniffSpeedscope(fixture('cpuprofile/workload.cpuprofile'))).toBe(false)
    expect(sniffSpeedscope(new TextEncoder().encode('a;b 1\n'))).toBe(false)
    expect(speedscopeFormat.sniff!(json(v012))).toBe(true)
  })
})

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readCpuprofile } from '@profconv/cpuprofile'
import {
  FrameTable,
  SamplesBuilder,
  dumpStacks,
  graphOf,
  newMeta,
  type Profile,
} from '@profconv/model'
import {
  ProfilerCliSession,
  describeWithProfilerCli,
  fixture,
  fixturePath,
  run,
  type ProfilerCliFunction,
} from '@profconv/testkit'
import { ByteOut } from '../src/byte-out.js'
import { readChromeTrace, writeChromeTrace, writeChromeTraceStream } from '../src/index.js'

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

function small(withTimes: boolean): Profile {
  const frames = new FrameTable()
  const a = frames.intern({ name: 'main', file: 'app.js', line: 1, column: 5 })
  const b = frames.intern({ name: 'parse', file: 'app.js', line: 10 })
  const c = frames.intern({ name: 'lex' })
  const s = new SamplesBuilder(1)
  const add = (stack: number[], v: number, t: number) =>
    s.addStack(stack, [v], undefined, withTimes ? t : undefined)
  add([a, b], 10, 0)
  add([a, b, c], 20, 10_000)
  add([a, b], 5, 30_000)
  add([a], 5, 100_000) // a gap of 65 µs before it
  add([c], 1, 105_000)
  const meta = newMeta('test')
  meta.name = 'small'
  return {
    metrics: [{ name: 'cpu', unit: 'microseconds' }],
    defaultMetric: 0,
    frames,
    samples: s.finish(),
    meta,
  }
}

describe('chrome-trace writer', () => {
  test('X events with M names; frames open across samples; true times with gaps', () => {
    const p = small(true)
    const out = JSON.parse(text(writeChromeTrace(p)))
    const ev = out.traceEvents as Record<string, unknown>[]
    expect(ev.filter((e) => e.ph === 'M').map((e) => (e.args as { name: string }).name)).toEqual([
      'small',
      'cpu (microseconds)',
    ])
    const xs = ev
      .filter((e) => e.ph === 'X')
      .map((e) => `${e.name}@${e.ts}+${e.dur}`)
      .sort()
    // main stays open from 0 to 35 (three samples), closes in the gap, reopens at 100.
    expect(xs).toEqual(['lex@10+20', 'lex@105+1', 'main@0+35', 'main@100+5', 'parse@0+35'].sort())
    const main = ev.find((e) => e.name === 'main')!
    expect(main.args).toEqual({ file: 'app.js', line: 1, column: 5 })
    expect(p.meta.notes).toEqual([])
  })

  test('a sample with an empty stack takes its time and writes no event, with a note', () => {
    const p = small(false)
    const s = new SamplesBuilder(1)
    s.add(-1, [7])
    s.addStack([p.frames.intern({ name: 'main', file: 'app.js', line: 1, column: 5 })], [3])
    const out = JSON.parse(text(writeChromeTrace({ ...p, samples: s.finish() })))
    const xs = (out.traceEvents as Record<string, unknown>[]).filter((e) => e.ph === 'X')
    expect(xs.map((e) => [e.name, e.ts, e.dur])).toEqual([['main', 7, 3]])
    const note = "1 sample(s) without a stack (70% of 'cpu') have no X event"
    expect(p.meta.notes.filter((n) => n.startsWith(note))).toHaveLength(1)
    expect(out.otherData.notes).toContain(note)
  })

  test('only samples without a stack: no X event, and still one JSON document', () => {
    const p = small(false)
    const s = new SamplesBuilder(1)
    s.add(-1, [2])
    s.add(-1, [3])
    const out = JSON.parse(text(writeChromeTrace({ ...p, samples: s.finish() })))
    const kinds = (out.traceEvents as { ph: string }[]).map((e) => e.ph)
    expect(kinds).not.toContain('X')
    expect(kinds).toContain('M')
    expect(out.displayTimeUnit).toBe('ms')
  })

  test('read back: the same stacks and values (times given or laid out)', () => {
    for (const timed of [true, false]) {
      const p = small(timed)
      const [back] = readChromeTrace(writeChromeTrace(p))
      expect(dumpStacks(back)).toBe(dumpStacks(p))
      if (!timed) expect(p.meta.notes.join()).toMatch(/lays them end to end/)
    }
  })

  test('stacks 10,000 deep, a prefix of one kept open under the next: read back the same', () => {
    const frames = new FrameTable()
    const ids = Array.from({ length: 10_000 }, (_, i) => frames.intern({ name: `f${i}` }))
    const s = new SamplesBuilder(1)
    s.addStack(ids, [3], undefined, 0)
    s.addStack(ids.slice(0, 5000), [2], undefined, 3000)
    s.addStack(ids, [1], undefined, 5000)
    const p: Profile = {
      metrics: [{ name: 'cpu', unit: 'microseconds' }],
      defaultMetric: 0,
      frames,
      samples: s.finish(),
      meta: newMeta('test'),
    }
    const bytes = writeChromeTrace(p)
    const events = JSON.parse(text(bytes)).traceEvents.filter((e: { ph: string }) => e.ph === 'X')
    // the first 5,000 frames stay open over the three samples; the others are written twice
    expect(events.length).toBe(5000 + 2 * 5000)
    expect(dumpStacks(readChromeTrace(bytes)[0])).toBe(dumpStacks(p))
  })

  test('a non-time metric is drawn 1 ms per unit (1 µs past 1,000 s), with a note', () => {
    const p = small(false)
    p.metrics = [{ name: 'alloc', unit: 'bytes' }]
    const [back] = readChromeTrace(writeChromeTrace(p))
    // Read back in µs: each unit is 1000 µs.
    const times1000 = (dump: string) => dump.replace(/ (\d+)$/gm, (_, v) => ` ${Number(v) * 1000}`)
    expect(dumpStacks(back)).toBe(times1000(dumpStacks(p)))
    expect(p.meta.notes.join()).toMatch(/'alloc' \(bytes\) is drawn as 1 ms per unit/)
    const big = small(false)
    big.metrics = [{ name: 'Ir', unit: 'count' }]
    big.samples!.values[0].forEach((v, i, column) => (column[i] = v * 1e6))
    const [backBig] = readChromeTrace(writeChromeTrace(big))
    expect(dumpStacks(backBig)).toBe(dumpStacks(big))
    expect(big.meta.notes.join()).toMatch(/'Ir' \(count\) is drawn as 1 µs per unit/)
  })

  test('node --cpu-prof → chrome-trace: every sample at its true time, self times kept', () => {
    const cpu = readCpuprofile(fixture('cpuprofile/workload.cpuprofile'), { positions: false })
    const bytes = writeChromeTrace(cpu)
    const [back] = readChromeTrace(bytes)
    const self = (p: Profile) => {
      const out = new Map<string, number>()
      for (const n of graphOf(p).nodes) {
        const name = p.frames.get(n.frame).name
        out.set(name, (out.get(name) ?? 0) + n.self[0])
      }
      return out
    }
    const ours = self(back)
    for (const [name, v] of self(cpu)) if (v > 0) expect(ours.get(name)).toBeCloseTo(v, 3)
    expect(cpu.meta.notes).toEqual([])
    // the first event starts at the first sample's time
    const ev = JSON.parse(text(bytes)).traceEvents.filter((e: { ph: string }) => e.ph === 'X')
    const first = Math.min(...ev.map((e: { ts: number }) => e.ts))
    expect(first).toBeCloseTo(cpu.samples!.time![0] / 1000, 3)
  })

  test('written in pieces: the same bytes as written whole, one buffer reused', () => {
    // ~6 MB of events (every sample's whole stack, stacks of 8 with files and lines)
    const frames = new FrameTable()
    const s = new SamplesBuilder(1)
    for (let i = 0; i < 8000; i++) {
      const stack = Array.from({ length: 8 }, (_, d) =>
        frames.intern({ name: `f${(i * 31 + d * 7) % 997}`, file: `src/m${d}.js`, line: d + 1 }),
      )
      s.addStack(stack, [1 + (i % 3)], undefined, i * 5000)
    }
    const meta = newMeta('test')
    const profile: Profile = {
      metrics: [{ name: 'cpu', unit: 'nanoseconds' }],
      defaultMetric: 0,
      frames,
      samples: s.finish(),
      meta,
    }
    const whole = writeChromeTrace(profile)
    const pieces: Uint8Array[] = []
    const buffers = new Set<ArrayBufferLike>()
    writeChromeTraceStream(profile, {}, (chunk) => {
      buffers.add(chunk.buffer)
      pieces.push(chunk.slice())
    })
    expect(pieces.length).toBeGreaterThan(1)
    expect(buffers.size).toBe(1)
    expect(Buffer.concat(pieces).equals(whole)).toBe(true)
  })
})

describe('Chrome DevTools’ trace engine loads the written trace', () => {
  test('the thread and its events are found', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profconv-trace-'))
    try {
      const file = join(dir, 'out.trace.json')
      writeFileSync(
        file,
        writeChromeTrace(readCpuprofile(fixture('cpuprofile/workload.cpuprofile'))),
      )
      const loaded = JSON.parse(run('node', ['test/trace-engine-load.mjs', file]))
      expect(loaded.threads).toEqual([{ pid: 1, tid: 1, name: 'time (microseconds)' }])
      expect(loaded.traceBounds.range).toBeGreaterThan(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the samples as a V8 CPU profile (Profile and ProfileChunk events) beside the X events', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'profconv-trace-cpu-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('DevTools’ trace engine finds the profile: every function’s sample count as read', () => {
    const cpu = readCpuprofile(fixture('cpuprofile/workload.cpuprofile'))
    const file = join(dir, 'workload.trace.json')
    writeFileSync(file, writeChromeTrace(cpu))
    const [oracle, ...more] = JSON.parse(run('node', ['test/trace-engine.mjs', file])) as {
      samples: number
      count: Record<string, number>
    }[]
    expect(more).toHaveLength(0)
    expect(oracle.samples).toBe(cpu.samples!.stack.length)
    const ours = new Map<string, number>()
    for (const n of graphOf(cpu).nodes) {
      const name = cpu.frames.get(n.frame).name
      ours.set(name, (ours.get(name) ?? 0) + n.self[1])
    }
    for (const [name, v] of ours) if (v === 0) ours.delete(name)
    expect(new Map(Object.entries(oracle.count))).toEqual(ours)
    // read back by profconv: the X events only (the CPU profile is the same samples again)
    expect(readChromeTrace(new Uint8Array(readFileSync(file)))).toHaveLength(1)
  })

  describeWithProfilerCli('profiler-cli', () => {
    let cli: ProfilerCliSession
    beforeAll(() => {
      cli = new ProfilerCliSession()
    })
    afterAll(() => cli.close())

    test('a real Performance recording’s CPU profile written again shows the same functions', () => {
      // profiler-cli resamples Chrome CPU profiles, so its numbers are compared with its own
      // reading of the real recording: the same samples at the same times give the same table.
      const recording = 'chrome-trace/chromium-performance.json.gz'
      const [cpu] = readChromeTrace(fixture(recording)).filter((p) => p.metrics.length === 2)
      const file = join(dir, 'recording.trace.json')
      writeFileSync(file, writeChromeTrace(cpu))
      const table = (functions: ProfilerCliFunction[]) =>
        functions
          .filter((f) => f.selfSamples > 0 || f.totalSamples > 0)
          .map((f) => `${f.name} ${f.selfSamples} ${f.totalSamples}`)
          .sort()
      cli.load(fixturePath(recording))
      const tid = /\(tid (\d+)\)$/.exec(cpu.meta.name!)![1]
      const list = JSON.parse(cli.run(['thread', 'list', '--json'])) as {
        threads: { threadHandle: string; tid?: string | number }[]
      }
      // profiler-cli names a thread's tid as `pid:tid`
      const handle = list.threads.find((t) => String(t.tid).endsWith(`:${tid}`))!.threadHandle
      const theirs = table(cli.functions(handle))
      cli.load(file)
      const ours = table(cli.functions(cli.threads()[0]))
      expect(ours).toEqual(theirs)
      expect(ours.length).toBeGreaterThan(10)
    })
  })
})

describe('ByteOut', () => {
  test('numbers to 3 decimals read as JSON writes the rounded number', () => {
    const values = [
      0,
      1,
      0.5,
      0.05,
      0.005,
      0.0004,
      12.3456,
      1234.125,
      1e9 + 0.1,
      2 ** 40,
      1e20,
      7e-7,
    ]
    for (let i = 0; i < 1000; i++) values.push(((i * 7919) % 100_003) / 997, i * 1.001)
    const out = new ByteOut()
    for (const v of values) {
      out.fixed3(v)
      out.bytes(ByteOut.encode(' '))
    }
    const written = new TextDecoder().decode(out.finish()).trim().split(' ')
    expect(written).toEqual(values.map((v) => JSON.stringify(Math.round(v * 1000) / 1000)))
  })

  test('with a sink: full buffers go out, repeat copies what is still held', () => {
    const pieces: string[] = []
    const out = new ByteOut(1024, (chunk) => pieces.push(new TextDecoder().decode(chunk)))
    const expected: string[] = []
    for (let i = 0; i < 500; i++) {
      out.room(128)
      const from = out.position
      out.fixed3(i * 1.5)
      out.put(ByteOut.encode(','))
      const to = out.position
      // what was just written, again (still in the buffer: room was made for both)
      expect(out.repeat(from, to)).toBe(true)
      expected.push(`${JSON.stringify(i * 1.5)},`.repeat(2))
    }
    const held = out.position
    out.room(2000) // more than the buffer holds: it goes out, then the buffer grows
    expect(out.repeat(0, 4)).toBe(false)
    expect(out.position).toBe(held)
    expect(out.finish().length).toBe(0)
    expect(pieces.length).toBeGreaterThan(3)
    expect(pieces.join('')).toBe(expected.join(''))
  })
})

import { gunzipSync } from 'node:zlib'
import { ProfconvError, dumpStacks, graphOf, type Profile } from '@profconv/model'
import { fixture, run, testDataDir } from '@profconv/testkit'
import { chromeTraceFormat, readChromeTrace, sniffChromeTrace } from '../src/index.js'

const bytes = (text: string) => new TextEncoder().encode(text)
const events = (file: string): Record<string, unknown>[] => {
  let data = fixture(file)
  if (data[0] === 0x1f) data = gunzipSync(data)
  const json = JSON.parse(new TextDecoder().decode(data))
  return Array.isArray(json) ? json : json.traceEvents
}

/** Self and total per function name of one profile, for metric `m`. */
function perName(p: Profile, m = 0): Map<string, { self: number; total: number }> {
  const out = new Map<string, { self: number; total: number }>()
  for (const n of graphOf(p).nodes) {
    const name = p.frames.get(n.frame).name
    const at = out.get(name) ?? { self: 0, total: 0 }
    at.self += n.self[m]
    at.total += n.total[m]
    out.set(name, at)
  }
  return out
}

interface ChunkData {
  cpuProfile: {
    nodes?: { id: number; callFrame: { functionName: string } }[]
    samples?: number[]
  }
  timeDeltas?: number[]
}

/** The length of the union of `intervals`. */
function covered(intervals: number[][]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0])
  let length = 0
  let reach = -Infinity
  for (const [s, e] of sorted) {
    if (e <= reach) continue
    length += e - Math.max(s, reach)
    reach = e
  }
  return length
}

describe('duration events: node --trace-events-enabled', () => {
  const raw = events('chrome-trace/node-trace-events.json')
  const [profile] = readChromeTrace(fixture('chrome-trace/node-trace-events.json'))

  test('one thread, named by its M events', () => {
    expect(profile.meta.name).toMatch(/^node \(pid \d+\), JavaScriptMainThread \(tid \d+\)$/)
    expect(profile.metrics).toEqual([{ name: 'time', unit: 'microseconds' }])
  })

  test('the total of each name is the time covered by its events, from the raw JSON', () => {
    // Independent: each name's intervals (X, and B..E pairs matched per thread in file order),
    // their union measured (a name nested in itself counts once, as the model's totals do).
    const byName = new Map<string, [number, number][]>()
    const open: Record<string, unknown>[] = []
    const add = (name: string, s: number, e: number) =>
      byName.set(name, [...(byName.get(name) ?? []), [s, e]])
    for (const e of raw) {
      if (e.ph === 'X') add(e.name as string, e.ts as number, (e.ts as number) + (e.dur as number))
      if (e.ph === 'B') open.push(e)
      if (e.ph === 'E') {
        const b = open.pop()!
        add(b.name as string, b.ts as number, e.ts as number)
      }
    }
    const ours = perName(profile)
    for (const [name, intervals] of byName) {
      const total = covered(intervals)
      if (total === 0) continue
      expect([name, ours.get(name)?.total]).toEqual([name, total])
    }
  })

  test('self times add up to the time covered by outermost events', () => {
    const intervals = raw
      .filter((e) => e.ph === 'X')
      .map((e) => [e.ts as number, (e.ts as number) + (e.dur as number)])
    const stack: number[] = []
    for (const e of raw) {
      if (e.ph === 'B') stack.push(e.ts as number)
      if (e.ph === 'E') intervals.push([stack.pop()!, e.ts as number])
    }
    const self = [...perName(profile).values()].reduce((sum, v) => sum + v.self, 0)
    expect(self).toBeCloseTo(covered(intervals), 6)
  })

  test('async, instant and flow events are counted in a note', () => {
    expect(profile.meta.notes.join('\n')).toMatch(/not read.*'b'.*'I'|not read.*'I'/)
  })
})

test('X events end to end at ns times stay siblings (no end past the next start from float sums)', () => {
  // 2754.88 + 2219.088 is 4973.968000000001 in doubles: past the next event's start.
  const trace = {
    traceEvents: [
      { ph: 'X', pid: 1, tid: 1, ts: 2754.88, dur: 2219.088, name: 'a' },
      { ph: 'X', pid: 1, tid: 1, ts: 4973.968, dur: 5683.623, name: 'b' },
    ],
  }
  const [p] = readChromeTrace(new TextEncoder().encode(JSON.stringify(trace)))
  expect(p.meta.notes).toEqual([])
  const graph = graphOf(p)
  expect(graph.edges).toEqual([])
  const total = (name: string) =>
    graph.nodes.find((n) => p.frames.get(n.frame).name === name)!.total[0]
  expect(total('a')).toBeCloseTo(2219.088, 9)
  expect(total('b')).toBeCloseTo(5683.623, 9)
})

describe('a DevTools Performance recording (headless Chromium)', () => {
  const profiles = readChromeTrace(fixture('chrome-trace/chromium-performance.json.gz'))
  const cpu = profiles.filter((p) => p.metrics.length === 2)

  test('one V8 CPU profile, named by the thread it sampled, besides every thread of events', () => {
    expect(cpu.map((p) => p.meta.name)).toEqual([
      expect.stringMatching(/^V8 CPU profile, Renderer \(pid \d+\), CrRendererMain \(tid \d+\)$/),
    ])
    expect(profiles.some((p) => /CrRendererMain/.test(p.meta.name!) && p !== cpu[0])).toBe(true)
    expect(profiles.some((p) => /CrBrowserMain/.test(p.meta.name!))).toBe(true)
  })

  test('the workload functions are there, with the current line of each sample on its leaf', () => {
    const names = perName(cpu[0], 1)
    for (const f of ['fib', 'sieve', 'words', 'sortAndCount', 'roundTripJson'])
      expect(names.get(f)?.self).toBeGreaterThan(0)
    expect(cpu[0].samples!.tree.hasLines).toBe(true)
  })

  test('per-sample lines sit on the leaf: the lines of sieve samples are inside sieve', () => {
    const p = cpu[0]
    const s = p.samples!
    const lines = new Set<number>()
    for (const leaf of s.stack) {
      if (leaf >= 0 && p.frames.get(s.tree.frame(leaf)).name === 'sieve')
        lines.add(s.tree.line(leaf))
    }
    // sieve spans lines 9-18 of workload.js (1-based)
    expect([...lines].every((l) => l === 0 || (l >= 9 && l <= 18))).toBe(true)
    expect([...lines].some((l) => l > 9)).toBe(true)
  })

  test('Profile and ProfileChunk sample counts and times equal an independent sum of the JSON', () => {
    const raw = events('chrome-trace/chromium-performance.json.gz')
    const nodes = new Map<number, string>()
    const ids: number[] = []
    const deltas: number[] = []
    let start = 0
    for (const e of raw) {
      const data = (e.args as { data?: ChunkData })?.data
      if (e.name === 'Profile') start = e.ts as number
      if (e.name !== 'ProfileChunk' || !data) continue
      const cp = data.cpuProfile
      for (const n of cp.nodes ?? []) nodes.set(n.id, n.callFrame.functionName || '(anonymous)')
      ids.push(...(cp.samples ?? []))
      deltas.push(...(data.timeDeltas ?? []))
    }
    const stamps: number[] = []
    let t = start
    for (const d of deltas) stamps.push((t += d))
    const count = new Map<string, number>()
    const time = new Map<string, number>()
    ids.forEach((id, i) => {
      const name = nodes.get(id)!
      count.set(name, (count.get(name) ?? 0) + 1)
      // the last sample lasts the average interval (DevTools' rule; the file has no endTime)
      const average = (stamps[stamps.length - 1] - stamps[0]) / (stamps.length - 1)
      const next = i + 1 < stamps.length ? stamps[i + 1] : stamps[i] + average
      time.set(name, (time.get(name) ?? 0) + next - stamps[i])
    })
    const ours = perName(cpu[0], 1)
    const oursTime = perName(cpu[0], 0)
    for (const [name, n] of count) {
      if (name === '(root)') continue
      expect([name, ours.get(name)?.self]).toEqual([name, n])
      expect(oursTime.get(name)!.self).toBeCloseTo(time.get(name)!, 6)
    }
  })
})

describe('Chrome DevTools’ own trace engine (@paulirish/trace_engine) reads the same CPU profile', () => {
  const file = `${testDataDir}/chrome-trace/chromium-performance.json.gz`
  const oracle = JSON.parse(run('node', ['test/trace-engine.mjs', file])) as {
    pid: string
    tid: string
    samples: number
    count: Record<string, number>
    time: Record<string, number>
  }[]
  const cpu = readChromeTrace(fixture('chrome-trace/chromium-performance.json.gz')).filter(
    (p) => p.metrics.length === 2,
  )

  test('same profiles (by pid and tid), same sample count, same count and time per function', () => {
    expect(oracle.map((o) => `pid ${o.pid}, .*tid ${o.tid}`).length).toBe(cpu.length)
    const [o] = oracle
    expect(cpu[0].meta.name).toMatch(new RegExp(`\\(pid ${o.pid}\\).*\\(tid ${o.tid}\\)$`))
    expect(cpu[0].samples!.stack.length).toBe(o.samples)
    const count = perName(cpu[0], 1)
    const time = perName(cpu[0], 0)
    for (const [name, n] of Object.entries(o.count)) {
      expect([name, count.get(name)?.self]).toEqual([name, n])
      expect(time.get(name)!.self).toBeCloseTo(o.time[name], 3)
    }
  })
})

describe('py-spy chrometrace shape (built from py-spy’s source; labelled .from-docs)', () => {
  const [p] = readChromeTrace(fixture('chrome-trace/pyspy-chrometrace.from-docs.json'))

  test('B/E stacks per thread, file and line from args, E closing root first at the end', () => {
    expect(dumpStacks(p)).toBe(
      [
        '<module> (app.py:1);main (app.py:20);parse (app.py:8) 20000',
        '<module> (app.py:1);main (app.py:20);parse (app.py:8);lex (lex.py:3) 20000',
        '<module> (app.py:1);main (app.py:20);render (app.py:30) 10000',
      ].join('\n'),
    )
    expect(p.meta.name).toBe('pid 4242, 4242: MainThread (tid 0)')
  })
})

describe('forms, errors and sniffing', () => {
  const x = (name: string, ts: number, dur: number, tid = 1) => ({
    ph: 'X',
    pid: 1,
    tid,
    ts,
    dur,
    name,
  })

  test('array form without the closing bracket (allowed by the format), trailing comma', () => {
    const whole = JSON.stringify([x('a', 0, 10), x('b', 2, 3)])
    const cut = whole.slice(0, -1)
    for (const text of [whole, cut, `${cut},`, `${cut},\n`])
      expect(dumpStacks(readChromeTrace(bytes(text))[0])).toBe('a 7\na;b 3')
  })

  test('object form with other keys before and after traceEvents', () => {
    const text = JSON.stringify({
      metadata: { 'a[': '}{' },
      traceEvents: [x('a', 0, 10)],
      displayTimeUnit: 'ns',
    })
    expect(dumpStacks(readChromeTrace(bytes(text))[0])).toBe('a 10')
  })

  test('nesting: same start longer first, end after the parent cut (noted), B/E matched', () => {
    const text = JSON.stringify([
      x('inner', 0, 4),
      x('outer', 0, 10),
      x('late', 8, 5),
      { ph: 'B', pid: 1, tid: 2, ts: 0, name: 'f' },
      { ph: 'B', pid: 1, tid: 2, ts: 1, name: 'g' },
      { ph: 'E', pid: 1, tid: 2, ts: 3 },
      { ph: 'E', pid: 1, tid: 2, ts: 6 },
    ])
    const [one, two] = readChromeTrace(bytes(text))
    expect(dumpStacks(one)).toBe('outer 4\nouter;inner 4\nouter;late 2')
    expect(one.meta.notes.join()).toMatch(/1 duration event\(s\) ended after/)
    expect(dumpStacks(two)).toBe('f 4\nf;g 2')
  })

  test('errors are ProfconvErrors with a position', () => {
    for (const text of [
      '[{"ph":"X","ts":1}',
      '{"traceEvents":1}',
      '[1]',
      '[{"ph":"I","ts":1}]',
      '{"a":1}',
      '[{]',
    ]) {
      expect(() => readChromeTrace(bytes(text))).toThrow(ProfconvError)
    }
    expect(() => readChromeTrace(bytes('[{"ph":"X","ts":1,"dur":1,"name":"a"}] x'))).toThrow(
      /at byte/,
    )
  })

  test('sniffer: traces yes; cpuprofile, speedscope and other JSON no', () => {
    expect(sniffChromeTrace(fixture('chrome-trace/node-trace-events.json'))).toBe(true)
    expect(sniffChromeTrace(fixture('chrome-trace/pyspy-chrometrace.from-docs.json'))).toBe(true)
    expect(sniffChromeTrace(fixture('cpuprofile/workload.cpuprofile'))).toBe(false)
    expect(
      sniffChromeTrace(bytes('{"nodes":[{"callFrame":{"functionName":"\\"traceEvents\\":["}}]}')),
    ).toBe(false)
    expect(sniffChromeTrace(bytes('[1,2]'))).toBe(false)
    expect(chromeTraceFormat.extensions).toContain('.trace.json')
  })
})

import { ProfconvError, dumpStacks, graphOf, type Profile } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readStackprof, readStackprofStream, sniffStackprof } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const json = (name: string) =>
  JSON.parse(new TextDecoder().decode(fixture(`stackprof/${name}.json`))) as Record<string, unknown>
const errorOf = (value: unknown) => {
  try {
    readStackprof(utf8(JSON.stringify(value)))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}

/** `TOTAL SAMPLES FRAME` rows of stackprof's own `--text` report, sorted. */
function textReport(name: string): string[] {
  return new TextDecoder()
    .decode(fixture(`stackprof/${name}.text.txt`))
    .split('\n')
    .map((line) => /^\s+(\d+)\s+\([\d.]+%\)\s+(\d+)\s+\([\d.]+%\)\s+(.+)$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => `${m![3]} ${m![1]} ${m![2]}`)
    .sort()
}

/** The same rows from our call graph's `samples` metric. */
function ourReport(profile: Profile): string[] {
  const graph = graphOf(profile)
  return graph.nodes
    .map((n) => `${profile.frames.get(n.frame).name} ${n.total[0]} ${n.self[0]}`)
    .sort()
}

/** Samples with their values and times, or the graph: what a reading holds. */
const dump = (profile: Profile) =>
  profile.samples
    ? `${dumpStacks(profile)}\n${Array.from(profile.samples.time ?? []).join(',')}`
    : ourReport(profile).join('\n')

describe.each(['cpu', 'wall', 'object', 'cpu-aggregate'])('stackprof --json, %s', (name) => {
  const [profile] = readStackprof(fixture(`stackprof/${name}.json`))

  test("every frame's total and self samples are stackprof --text's", () => {
    expect(ourReport(profile)).toEqual(textReport(name))
  })

  test('read from 3-byte chunks gives what read gives', async () => {
    const bytes = fixture(`stackprof/${name}.json`)
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) =>
      bytes.subarray(i * 3, i * 3 + 3),
    )
    const [streamed] = await readStackprofStream(chunks)
    expect(dump(streamed)).toBe(dump(profile))
  })

  test('members in sorted order (raw before frames, mode last) read the same', () => {
    const file = json(name)
    const sorted = Object.fromEntries(
      Object.entries(file).sort(([a], [b]) =>
        a === 'raw' ? -1 : b === 'raw' ? 1 : a < b ? -1 : 1,
      ),
    )
    expect(Object.keys(sorted).indexOf('frames')).toBeGreaterThan(
      Object.keys(sorted).indexOf('raw'),
    )
    expect(dump(readStackprof(utf8(JSON.stringify(sorted)))[0])).toBe(dump(profile))
  })

  test('is sniffed as stackprof', () => {
    expect(sniffStackprof(fixture(`stackprof/${name}.json`))).toBe(true)
  })
})

describe('raw samples', () => {
  test('cpu: the time metric is samples × interval (µs)', () => {
    const [profile] = readStackprof(fixture('stackprof/cpu.json'))
    const file = json('cpu')
    expect(profile.metrics).toEqual([
      { name: 'samples', unit: 'count' },
      { name: 'cpu', unit: 'microseconds' },
    ])
    const sum = (m: number) => profile.samples!.values[m].reduce((a, b) => a + b, 0)
    expect(sum(0)).toBe((file.raw_timestamp_deltas as number[]).length)
    expect(sum(1)).toBe(sum(0) * (file.interval as number))
  })

  test('wall: the time metric is the measured deltas, and samples carry their times', () => {
    const [profile] = readStackprof(fixture('stackprof/wall.json'))
    const deltas = json('wall').raw_timestamp_deltas as number[]
    const sum = profile.samples!.values[1].reduce((a, b) => a + b, 0)
    expect(sum).toBe(deltas.reduce((a, b) => a + b, 0))
    const time = profile.samples!.time!
    expect(time[0]).toBe(0)
    for (let i = 1; i < time.length; i++) expect(time[i]).toBeGreaterThanOrEqual(time[i - 1])
  })

  test('wall: a sample’s time is where its delta starts (stackprof stamps its end), so the samples tile the run', () => {
    const [profile] = readStackprof(fixture('stackprof/wall.json'))
    const { time, values } = profile.samples!
    const wall = values[1]
    // Each sample (a raw record: consecutive samples of one stack) ends about where the next
    // starts: off only by stackprof's own jitter between its stamps and its deltas (tens of µs).
    let off = 0
    let total = 0
    for (let i = 0; i < wall.length; i++) {
      total += wall[i]
      if (i > 0) off += Math.abs(time![i] / 1000 - (time![i - 1] / 1000 + wall[i - 1]))
    }
    expect(off / total).toBeLessThan(0.02)
    // The first sample's stamp, less its delta, is the start; the second record starts where
    // its first sample's delta starts.
    const file = json('wall')
    const stamps = file.raw_sample_timestamps as number[]
    const deltas = file.raw_timestamp_deltas as number[]
    const next = values[0][0] // the first record's samples
    expect(time![1] / 1000).toBe(stamps[next] - deltas[next] - (stamps[0] - deltas[0]))
  })

  test('object: each allocation counts one object; recursion in stacks is kept', () => {
    const [profile] = readStackprof(fixture('stackprof/object.json'))
    expect(profile.metrics[1]).toEqual({ name: 'objects', unit: 'count' })
    expect(Array.from(profile.samples!.values[1])).toEqual(Array.from(profile.samples!.values[0]))
    const [cpu] = readStackprof(fixture('stackprof/cpu.json'))
    expect(dumpStacks(cpu)).toMatch(/(Object#fib \(\S+\);){3}/)
  })

  test('two frames of one name (two <main>s) stay apart', () => {
    const [profile] = readStackprof(fixture('stackprof/cpu.json'))
    expect(profile.frames.frames.filter((f) => f.name === '<main>')).toHaveLength(2)
  })
})

describe('errors', () => {
  const base = { version: 1.2, mode: 'cpu', interval: 1000, frames: { '1': { name: 'f' } } }
  test('a raw record past the end or naming no frame', () => {
    expect(errorOf({ ...base, raw: [3, 1, 1] })).toMatch(/not a stack height within the array/)
    expect(errorOf({ ...base, raw: [1, 2, 1] })).toMatch(/raw\[1\] names no frame: 2/)
    expect(errorOf({ ...base, raw: [1, 1, -1] })).toMatch(/not a count/)
    // Named before `frames` is read, and never defined there.
    expect(errorOf({ raw: [1, 7, 1], ...base })).toMatch(/raw\[1\] names no frame: 7/)
    // The position is the byte where the bad value starts.
    const text = JSON.stringify({ ...base, raw: [1, 1, -1] })
    expect(() => readStackprof(utf8(text))).toThrow(`at byte ${text.indexOf('-1')}:`)
  })
  test('missing fields', () => {
    expect(errorOf({ frames: {} })).toMatch(/missing 'mode'/)
    expect(errorOf({ ...base, frames: 1 })).toMatch(/missing 'frames'/)
    expect(errorOf({ ...base, mode: 'wall', raw: [1, 1, 1] })).toMatch(/raw_timestamp_deltas/)
  })
})

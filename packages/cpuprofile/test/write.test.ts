import { FrameTable, SamplesBuilder, dumpStacks, newMeta, type Profile } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readCpuprofile, writeCpuprofile } from '../src/index.js'

interface RawNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  hitCount?: number
  children?: number[]
  positionTicks?: { line: number; ticks: number }[]
}
interface RawProfile {
  nodes: RawNode[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

/** hitCount per call path (`f url:line:col;…`), for paths that have any, from the raw JSON. */
function hitCounts(file: RawProfile): Map<string, number> {
  const byId = new Map(file.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of file.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const out = new Map<string, number>()
  for (const n of file.nodes) {
    const count = n.hitCount ?? 0
    if (count === 0) continue
    const path: string[] = []
    for (let at: number | undefined = n.id; at !== undefined; at = parent.get(at)) {
      const c = byId.get(at)!.callFrame
      path.push(`${c.functionName || '(anonymous)'} ${c.url}:${c.lineNumber}:${c.columnNumber}`)
    }
    const key = path.reverse().join(';')
    out.set(key, (out.get(key) ?? 0) + count)
  }
  return out
}

/** positionTicks per call path, as `line:ticks` sorted, from the raw JSON. */
function positionTicks(file: RawProfile): Map<string, string> {
  const byId = new Map(file.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of file.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const out = new Map<string, string>()
  for (const n of file.nodes) {
    if (!n.positionTicks?.length) continue
    const path: string[] = []
    for (let at: number | undefined = n.id; at !== undefined; at = parent.get(at)) {
      const c = byId.get(at)!.callFrame
      path.push(`${c.functionName || '(anonymous)'} ${c.url}:${c.lineNumber}:${c.columnNumber}`)
    }
    const ticks = n.positionTicks.map((t) => `${t.line}:${t.ticks}`).sort()
    out.set(path.reverse().join(';'), ticks.join(' '))
  }
  return out
}

const parse = (text: string) => JSON.parse(text) as RawProfile

/** Each leaf frame's summed value (the first metric), by frame name. */
function selfByName(p: Profile): Map<string, number> {
  const self = new Map<string, number>()
  const { stack, values, tree } = p.samples!
  for (let i = 0; i < stack.length; i++) {
    if (stack[i] < 0) continue
    const name = p.frames.get(tree.frame(stack[i])).name
    self.set(name, (self.get(name) ?? 0) + values[0][i])
  }
  return self
}

describe('cpuprofile writer', () => {
  const raw = parse(new TextDecoder().decode(fixture('cpuprofile/workload.cpuprofile')))
  const profile = readCpuprofile(fixture('cpuprofile/workload.cpuprofile'))
  const written = parse(writeCpuprofile(profile))

  test('node --cpu-prof read and written: every call path hit by as many samples', () => {
    // (an empty functionName is written as DevTools shows it: (anonymous))
    // V8's own hitCount field counts ticks it records in no sample ((program) 6 hits, 2
    // samples here; sieve too): the written hitCount is the count of the file's samples.
    const counted = { ...raw, nodes: raw.nodes.map((n) => ({ ...n, hitCount: 0 })) }
    const byId = new Map(counted.nodes.map((n) => [n.id, n]))
    for (const id of raw.samples) byId.get(id)!.hitCount++
    expect(hitCounts(written)).toEqual(hitCounts(counted))
    expect(written.samples.length).toBe(raw.samples.length)
  })

  test('the same sample times: every delta and the duration', () => {
    expect(written.timeDeltas.slice(1)).toEqual(raw.timeDeltas.slice(1))
    expect(written.endTime - written.startTime).toBe(raw.endTime - raw.startTime)
    expect(profile.meta.notes.join('\n')).not.toMatch(/end to end|order/)
  })

  test('node --cpu-prof read and written: every call path has the same positionTicks', () => {
    // The ticks of each path never exceed its samples here, so they are kept exactly.
    expect(positionTicks(written)).toEqual(positionTicks(raw))
    expect(positionTicks(raw).size).toBeGreaterThan(50)
  })

  test('callFrame lines and columns are 0-based again, (root) first with its children', () => {
    const sieve = written.nodes.find((n) => n.callFrame.functionName === 'sieve')!
    const original = raw.nodes.find((n) => n.callFrame.functionName === 'sieve')!
    expect(sieve.callFrame.lineNumber).toBe(original.callFrame.lineNumber)
    expect(sieve.callFrame.columnNumber).toBe(original.callFrame.columnNumber)
    expect(written.nodes[0].callFrame.functionName).toBe('(root)')
    expect(written.nodes[0].children!.length).toBeGreaterThan(0)
  })

  test('reads back to the same stacks', () => {
    expect(dumpStacks(readCpuprofile(new TextEncoder().encode(writeCpuprofile(profile))))).toBe(
      dumpStacks(profile),
    )
  })

  test('without times: laid end to end (noted); lines on leaves become positionTicks', () => {
    const frames = new FrameTable()
    const main = frames.intern({ name: 'main', file: 'app.js', line: 1, column: 1 })
    const s = new SamplesBuilder(1)
    const top = s.tree.child(-1, main)
    s.add(s.tree.child(-1, main, 3), [10])
    s.add(s.tree.child(-1, main, 3), [5])
    s.add(s.tree.child(-1, main, 4), [5])
    s.add(top, [1])
    const p: Profile = {
      metrics: [{ name: 'cpu', unit: 'milliseconds' }],
      defaultMetric: 0,
      frames,
      samples: s.finish(),
      meta: newMeta('test'),
    }
    const out = parse(writeCpuprofile(p))
    expect(out.timeDeltas).toEqual([0, 10000, 5000, 5000])
    expect(out.endTime).toBe(21000)
    const node = out.nodes.find((n) => n.callFrame.functionName === 'main')!
    expect(node.hitCount).toBe(4)
    expect(node.positionTicks).toEqual([
      { line: 3, ticks: 2 },
      { line: 4, ticks: 1 },
    ])
    expect(p.meta.notes.join()).toMatch(/lays them end to end/)
  })

  test('samples whose times overlap keep their whole time: started when the one before ends (noted)', () => {
    // Two threads sampled every 10 ms, merged on one timeline: each sample's time falls inside
    // the other thread's sample before it. Cut at the next sample's time, half the time was lost.
    const frames = new FrameTable()
    const a = frames.intern({ name: 'a' })
    const b = frames.intern({ name: 'b' })
    const s = new SamplesBuilder(1)
    for (let i = 0; i < 10; i++) {
      s.addStack([a], [10_000], undefined, i * 10_000_000)
      s.addStack([b], [10_000], undefined, i * 10_000_000 + 1_000_000)
    }
    const p: Profile = {
      metrics: [{ name: 'cpu', unit: 'microseconds' }],
      defaultMetric: 0,
      frames,
      samples: s.finish(),
      meta: newMeta('test'),
    }
    const back = readCpuprofile(new TextEncoder().encode(writeCpuprofile(p)))
    expect(selfByName(back)).toEqual(selfByName(p))
    expect(selfByName(p)).toEqual(
      new Map([
        ['a', 100_000],
        ['b', 100_000],
      ]),
    )
    expect(p.meta.notes.join()).toMatch(
      /^19 of 20 samples have a time before the sample before them ends/m,
    )
  })

  test('metrics not written are named in a note; a count of 1 per sample is kept as the samples', () => {
    // node --cpu-prof: time and samples (1 each), both kept.
    expect(profile.meta.notes.join()).not.toMatch(/holds one metric/)
    const frames = new FrameTable()
    const b = new SamplesBuilder(3)
    b.addStack([frames.intern({ name: 'main' })], [10, 1, 512])
    b.addStack([frames.intern({ name: 'work' })], [20, 1, 0])
    const p: Profile = {
      metrics: [
        { name: 'cpu', unit: 'microseconds' },
        { name: 'samples', unit: 'count' },
        { name: 'alloc', unit: 'bytes' },
      ],
      defaultMetric: 0,
      frames,
      samples: b.finish(),
      meta: newMeta('test'),
    }
    writeCpuprofile(p)
    expect(p.meta.notes).toContain("cpuprofile holds one metric: wrote 'cpu', dropped alloc")
  })
})

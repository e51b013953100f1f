import { ProfconvError, dumpStacks, frameText, graphOf, type Profile } from '@profconv/model'
import { readSpeedscope } from '@profconv/speedscope'
import { fixture } from '@profconv/testkit'
import { cpuprofileFormat, readCpuprofile, sniffCpuprofile } from '../src/index.js'

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))
const raw = JSON.parse(new TextDecoder().decode(fixture('cpuprofile/workload.cpuprofile')))

interface RawNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
  children?: number[]
}

interface RawTicksNode extends RawNode {
  positionTicks?: { line: number; ticks: number }[]
}

/** Self time per function `name url:line:col` (0-based as in the file), from the raw JSON alone. */
function selfFromRaw(file: typeof raw): Map<string, number> {
  const byId = new Map<number, RawNode>(file.nodes.map((n: RawNode) => [n.id, n]))
  const stamps: number[] = []
  let t = file.startTime
  for (const d of file.timeDeltas) stamps.push((t += d))
  const self = new Map<string, number>()
  file.samples.forEach((id: number, i: number) => {
    const duration = (i + 1 < stamps.length ? stamps[i + 1] : file.endTime) - stamps[i]
    const c = byId.get(id)!.callFrame
    const key = `${c.functionName || '(anonymous)'} ${c.url}:${c.lineNumber}:${c.columnNumber}`
    self.set(key, (self.get(key) ?? 0) + duration)
  })
  return self
}

function selfFromProfile(
  p: Profile,
  key: (f: ReturnType<Profile['frames']['get']>) => string,
): Map<string, number> {
  const out = new Map<string, number>()
  for (const n of graphOf(p).nodes) {
    const k = key(p.frames.get(n.frame))
    out.set(k, (out.get(k) ?? 0) + n.self[0])
  }
  return out
}

describe('cpuprofile reader: node --cpu-prof of a real script', () => {
  const profile = readCpuprofile(fixture('cpuprofile/workload.cpuprofile'))

  test('the deltas are non-negative here, so no sorting happened', () => {
    expect(raw.timeDeltas.slice(1).every((d: number) => d >= 0)).toBe(true)
    expect(profile.meta.notes.join('\n')).not.toMatch(/order/)
  })

  test('per-function self time equals the sum of the sample deltas attributed to it', () => {
    const expected = selfFromRaw(raw)
    const ours = selfFromProfile(
      profile,
      (f) => `${f.name} ${f.file ?? ''}:${(f.line ?? 0) - 1}:${(f.column ?? 0) - 1}`,
    )
    for (const [k, v] of ours) if (v === 0) ours.delete(k)
    for (const [k, v] of expected) if (v === 0) expected.delete(k)
    expect(ours).toEqual(expected)
    expect(profile.metrics).toEqual([
      { name: 'time', unit: 'microseconds' },
      { name: 'samples', unit: 'count' },
    ])
    expect(profile.samples!.values[1].reduce((a, b) => a + b, 0)).toBe(raw.samples.length)
    expect(profile.samples!.values[0].reduce((a, b) => a + b, 0)).toBe(
      raw.endTime - raw.startTime - raw.timeDeltas[0],
    )
  })

  test('frames are 1-based, (root) is not a frame, specials are kept', () => {
    const names = profile.frames.frames.map(frameText)
    expect(names).not.toContain('(root)')
    expect(names).toEqual(expect.arrayContaining(['(program)', '(garbage collector)']))
    const fib = profile.frames.frames.find((f) => f.name === 'fib')!
    expect(fib).toEqual({
      name: 'fib',
      file: expect.stringMatching(/workload\.js$/),
      line: 5,
      column: 13,
    })
    expect(dumpStacks(profile)).toMatch(/;main \(file:\/\/\S+workload\.js:\d+\);fib \(/)
  })

  test('per-function self time agrees with the speedscope app’s own import (its export)', () => {
    // The app gives the last sample no time; everything else must match to the microsecond.
    const [app] = readSpeedscope(fixture('speedscope/workload-cpuprofile.speedscope.json'))
    const key = (f: { file?: string; line?: number; column?: number; name: string }) =>
      f.file ? `${f.file}:${f.line}:${f.column}` : f.name
    const theirs = selfFromProfile(app, key)
    const ours = selfFromProfile(profile, key)
    const last = raw.samples.at(-1)
    const lastNode = raw.nodes.find((n: RawNode) => n.id === last).callFrame
    const lastKey = lastNode.url
      ? `${lastNode.url}:${lastNode.lineNumber + 1}:${lastNode.columnNumber + 1}`
      : lastNode.functionName
    const lastWeight =
      raw.endTime - raw.startTime - raw.timeDeltas.reduce((a: number, b: number) => a + b, 0)
    for (const [k, v] of ours) {
      const expected = (theirs.get(k) ?? 0) + (k === lastKey ? lastWeight : 0)
      expect([k, v]).toEqual([k, expect.closeTo(expected, 6)])
    }
  })

  test('positionTicks: each node has as many samples at each line as it has ticks there', () => {
    // Samples per (node, line) as read, against the file's positionTicks (line 0: the rest).
    const tree = profile.samples!.tree
    const ours = new Map<string, number>()
    const pathOf = (node: number): string => {
      const names: string[] = []
      for (let at = node; at >= 0; at = tree.parent(at)) {
        const f = profile.frames.get(tree.frame(at))
        names.push(`${f.name} ${f.file ?? ''}:${f.line ?? 0}:${f.column ?? 0}`)
      }
      return names.reverse().join(';')
    }
    profile.samples!.stack.forEach((leaf) => {
      const key = `${pathOf(leaf)}@${tree.line(leaf)}`
      ours.set(key, (ours.get(key) ?? 0) + 1)
    })
    const byId = new Map<number, RawTicksNode>(raw.nodes.map((n: RawTicksNode) => [n.id, n]))
    const parent = new Map<number, number>()
    for (const n of raw.nodes as RawTicksNode[])
      for (const c of n.children ?? []) parent.set(c, n.id)
    const counted = new Map<number, number>()
    for (const id of raw.samples as number[]) counted.set(id, (counted.get(id) ?? 0) + 1)
    const expected = new Map<string, number>()
    for (const [id, count] of counted) {
      const names: string[] = []
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const c = byId.get(at)!.callFrame
        if (c.functionName === '(root)') break
        const file = c.url
        const [line, col] = [c.lineNumber + 1, c.columnNumber + 1]
        names.push(
          `${c.functionName || '(anonymous)'} ${file}:${file ? line : 0}:${file ? col : 0}`,
        )
      }
      const path = names.reverse().join(';')
      let rest = count
      for (const { line, ticks } of byId.get(id)!.positionTicks ?? []) {
        expected.set(`${path}@${line}`, (expected.get(`${path}@${line}`) ?? 0) + ticks)
        rest -= ticks
      }
      if (rest > 0) expected.set(`${path}@0`, (expected.get(`${path}@0`) ?? 0) + rest)
    }
    expect(ours).toEqual(expected)
    // sieve: 50 samples, ticks on 4 lines adding up to 47; 3 samples at no line.
    expect(
      [...ours]
        .filter(([k]) => /;sieve [^;]*@/.test(k))
        .map(([k, v]) => `${k.replace(/.*@/, '')}:${v}`)
        .sort(),
    ).toEqual(['0:3', '12:3', '13:7', '14:1', '15:36'])
    expect(profile.meta.notes.join('\n')).toMatch(/time per line estimated/)
  })

  test('positions: false reads no lines', () => {
    const p = readCpuprofile(fixture('cpuprofile/workload.cpuprofile'), { positions: false })
    expect(p.samples!.tree.hasLines).toBe(false)
    expect(p.meta.notes).toEqual([])
  })

  test('dropSpecialFrames leaves out (program), (idle) and (garbage collector), with a note', () => {
    const p = readCpuprofile(fixture('cpuprofile/workload.cpuprofile'), { dropSpecialFrames: true })
    const used = new Set(
      graphOf(p)
        .nodes.filter((n) => n.self[0] > 0)
        .map((n) => p.frames.get(n.frame).name),
    )
    expect(used.has('(program)') || used.has('(garbage collector)')).toBe(false)
    expect(p.meta.notes[0]).toMatch(
      /^dropped \d+ µs in \(program\), \(idle\), \(garbage collector\)$/,
    )
  })
})

describe('cpuprofile reader: the shapes and errors', () => {
  const frame = (functionName: string, lineNumber = -1) => ({
    functionName,
    url: lineNumber >= 0 ? 'a.js' : '',
    lineNumber,
    columnNumber: 0,
    scriptId: '1',
  })
  const base = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 4] },
      { id: 2, callFrame: frame('main', 0), children: [3] },
      { id: 3, callFrame: frame('', 9) },
      { id: 4, callFrame: frame('(idle)') },
    ],
    startTime: 1000,
    endTime: 1100,
    samples: [2, 3, 4, 3],
    timeDeltas: [10, 20, 30, 10],
  }

  test('weights run to the next sample, the last to endTime', () => {
    const p = readCpuprofile(json(base))
    expect(dumpStacks(p)).toBe(
      '(idle) 10 1\nmain (a.js:1) 20 1\nmain (a.js:1);(anonymous) (a.js:10) 60 2',
    )
    expect(Array.from(p.samples!.time!)).toEqual([10e3, 30e3, 60e3, 70e3])
  })

  test('Chrome trace form: parent links instead of children', () => {
    const nodes = base.nodes.map(({ children: _, ...n }) => ({
      ...n,
      parent: n.id === 1 ? undefined : n.id === 3 ? 2 : 1,
    }))
    expect(dumpStacks(readCpuprofile(json({ ...base, nodes })))).toBe(
      dumpStacks(readCpuprofile(json(base))),
    )
  })

  test('negative deltas: samples are sorted by time, with a note', () => {
    const p = readCpuprofile(json({ ...base, timeDeltas: [10, 30, -10, 30] }))
    // times 1010, 1040, 1030, 1060 → order 2(main), 4(idle), 3(anon), 3(anon)
    expect(dumpStacks(p)).toBe(
      '(idle) 10 1\nmain (a.js:1) 20 1\nmain (a.js:1);(anonymous) (a.js:10) 60 2',
    )
    expect(p.meta.notes[0]).toMatch(/out of time order/)
  })

  test.each([
    [
      { ...base, samples: [2, 9], timeDeltas: [1, 1] },
      /sample 1 names node 9, which is not in 'nodes'/,
    ],
    [{ ...base, timeDeltas: [1] }, /4 samples but 1 timeDeltas/],
    [{ ...base, nodes: undefined }, /missing 'nodes'/],
    [{ ...base, nodes: [{ id: 1 }] }, /node 0 needs an id and a callFrame/],
    [{ ...base, samples: [2, '3', 2, 2] }, /samples\[1\] is not a number: "3"/],
  ])('errors: %#', (file, message) => {
    expect(() => readCpuprofile(json(file))).toThrow(ProfconvError)
    expect(() => readCpuprofile(json(file))).toThrow(message)
  })

  test('a time delta too large for a double (1e999) is named as such, not as missing', () => {
    const text = JSON.stringify({ ...base, timeDeltas: [1, 2, 3, 4] }).replace(
      '"timeDeltas":[1,2,',
      '"timeDeltas":[1,1e999,',
    )
    expect(() => readCpuprofile(new TextEncoder().encode(text))).toThrow(
      new ProfconvError('cpuprofile', 'timeDeltas[1] is too large for a number'),
    )
  })

  describe('positionTicks', () => {
    const one = (positionTicks: unknown) => ({
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2] },
        { id: 2, callFrame: frame('main', 0), positionTicks },
      ],
      startTime: 0,
      endTime: 40,
      samples: [2, 2, 2, 2],
      timeDeltas: [0, 10, 10, 10],
    })
    const lines = (p: Profile) => Array.from(p.samples!.stack, (leaf) => p.samples!.tree.line(leaf))

    test('a node’s lines spread evenly over its samples, the rest at line 0', () => {
      const even = readCpuprofile(
        json(
          one([
            { line: 5, ticks: 2 },
            { line: 6, ticks: 2 },
          ]),
        ),
      )
      expect(lines(even)).toEqual([5, 6, 5, 6])
      const rest = readCpuprofile(json(one([{ line: 7, ticks: 1 }])))
      expect(lines(rest).sort()).toEqual([0, 0, 0, 7])
      expect(rest.meta.notes).toHaveLength(1)
    })

    test('more ticks than samples: scaled down to the samples, with a note', () => {
      const p = readCpuprofile(
        json(
          one([
            { line: 5, ticks: 6 },
            { line: 6, ticks: 2 },
          ]),
        ),
      )
      expect(lines(p)).toEqual([5, 5, 6, 5])
      expect(p.meta.notes[1]).toMatch(
        /^1 cpuprofile node\(s\) have more positionTicks than samples/,
      )
    })

    test.each([[{}], [[{ line: 'a', ticks: 1 }]], [[{ line: 1, ticks: -1 }]], [[null]]])(
      'malformed positionTicks are an error: %j',
      (ticks) => {
        expect(() => readCpuprofile(json(one(ticks)))).toThrow(
          /node 1: positionTicks must be a list of \{line, ticks\}/,
        )
      },
    )
  })

  test('a parent cycle is an error, not a hang', () => {
    const nodes = [
      { id: 1, callFrame: frame('a'), parent: 2 },
      { id: 2, callFrame: frame('b'), parent: 1 },
    ]
    expect(() => readCpuprofile(json({ ...base, nodes, samples: [1], timeDeltas: [1] }))).toThrow(
      /cycle/,
    )
  })

  test('sniffer', () => {
    expect(sniffCpuprofile(fixture('cpuprofile/workload.cpuprofile'))).toBe(true)
    expect(cpuprofileFormat.sniff!(json(base))).toBe(true)
    expect(sniffCpuprofile(fixture('speedscope/perf-script.speedscope.json'))).toBe(false)
    expect(sniffCpuprofile(new TextEncoder().encode('a;b 1\n'))).toBe(false)
  })
})

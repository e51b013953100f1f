import {
  FrameTable,
  GraphBuilder,
  PositionBuilder,
  ProfconvError,
  SamplesBuilder,
  addressHex,
  addressHi,
  addressLo,
  checkPositions,
  joinAddress,
  mergeProfiles,
  newMeta,
  positionsOf,
  remapPositions,
  samplesToGraph,
  type PositionDetail,
  type Profile,
} from '../src/index.js'

/** Rows as text: `frame file:line @addr = v1,v2` (sites: `caller>callee file:line @addr = … xN`). */
function rows(d: PositionDetail): string[] {
  const M = d.metricCount
  const at = (file: number, line: number, hi: number, lo: number) =>
    `${file < 0 ? '?' : d.files[file]}:${line}${hi || lo ? ` @${addressHex(hi, lo)}` : ''}`
  const out: string[] = []
  const { lines, sites } = d
  for (let r = 0; r < lines.length; r++) {
    const v = Array.from(lines.self.subarray(r * M, r * M + M))
    out.push(
      `${lines.frame[r]} ${at(lines.file[r], lines.line[r], lines.addressHi[r], lines.addressLo[r])} = ${v}`,
    )
  }
  for (let r = 0; r < sites.length; r++) {
    const v = Array.from(sites.total.subarray(r * M, r * M + M))
    out.push(
      `${sites.caller[r]}>${sites.callee[r]} ${at(sites.file[r], sites.line[r], sites.addressHi[r], sites.addressLo[r])} = ${v} x${sites.calls[r]}`,
    )
  }
  return out
}

describe('addresses', () => {
  test('kernel addresses beyond 2^53 are kept exactly', () => {
    const a = 0xffffffff813aecd3n
    expect(joinAddress(addressHi(a), addressLo(a))).toBe(a)
    expect(addressHex(addressHi(a), addressLo(a))).toBe('ffffffff813aecd3')
    expect(addressHex(addressHi(0x401a2f), addressLo(0x401a2f))).toBe('401a2f')
    const big = 2 ** 40 + 5
    expect(joinAddress(addressHi(big), addressLo(big))).toBe(BigInt(big))
  })
})

describe('PositionBuilder', () => {
  test('sums equal positions into one row, rows in first-appearance order', () => {
    const b = new PositionBuilder(2)
    const f = b.file('a.c')
    const g = b.file('b.h')
    b.addSelf(1, f, 10, 0, 0, [1, 2])
    b.addSelf(1, g, 3, 0, 0, [5, 0])
    b.addSelf(0, f, 2, 0, 0, [1, 1])
    b.addSelf(1, f, 10, 0, 0, [1, 2])
    b.addSelf(1, f, 10, 0xffffffff, 0x813aecd3, [7, 7])
    b.addSite(0, 1, f, 2, 0, 0, [4, 4], 0, 2)
    b.addSite(0, 1, f, 2, 0, 0, [1, 1], 0, NaN)
    b.addSite(0, 1, f, 3, 0, 0, [1, 1], 0, NaN)
    const d = b.finish()
    expect(rows(d)).toEqual([
      '1 a.c:10 = 2,4',
      '1 b.h:3 = 5,0',
      '0 a.c:2 = 1,1',
      '1 a.c:10 @ffffffff813aecd3 = 7,7',
      '0>1 a.c:2 = 5,5 x2',
      '0>1 a.c:3 = 1,1 xNaN',
    ])
    expect([d.hasLines, d.hasAddresses]).toEqual([true, true])
  })

  test('functions that come back (rounds, windows by line): the rows of a plain map', () => {
    // Functions visited in rounds, as a file of several dumps gives them: near lines (a
    // function's window), far ones, other files, addresses, lines far from any window, call
    // sites of several callees at one line. Every row and sum must be those of a plain map.
    let seed = 7
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
      return (seed >>> 8) % n
    }
    const b = new PositionBuilder(2)
    // Rows by their text (see `rows`), in first-appearance order.
    const self = new Map<string, number[]>()
    const site = new Map<string, number[]>()
    const add = (map: Map<string, number[]>, key: string, v: number[]) => {
      const row = map.get(key)
      if (row) for (let i = 0; i < v.length; i++) row[i] += v[i]
      else map.set(key, [...v])
    }
    const at = (file: number, line: number, hi: number, lo: number) =>
      `${['a.c', 'b.h'][file]}:${line}${hi || lo ? ` @${addressHex(hi, lo)}` : ''}`
    for (let round = 0; round < 6; round++) {
      for (let fn = 0; fn < 40; fn++) {
        const start = 10 + (fn % 7) * 30
        let line = start + (round > 3 && fn % 5 === 0 ? -20 : 0)
        for (let k = 0; k < 1 + rand(8); k++) {
          const pick = rand(20)
          const file = pick === 0 ? 1 : 0
          const lo = pick === 1 ? 0x400000 + line : 0
          const hi = pick === 2 ? 0xffffffff : 0
          const where = pick === 3 ? line + 5000 : pick === 4 ? 0x7fffffff - rand(3) : line
          const v = [1 + rand(9), rand(3)]
          b.addSelf(fn, file, where, hi, lo, v)
          add(self, `${fn} ${at(file, where, hi, lo)}`, v)
          if (rand(3) === 0) {
            const callee = rand(4)
            const calls = rand(5) === 0 ? NaN : 1 + rand(4)
            b.addSite(fn, callee, file, where, hi, lo, v, 0, calls)
            // Unknown calls plus known ones are the known ones.
            const key = `${fn}>${callee} ${at(file, where, hi, lo)}`
            const known = site.get(key)?.[2] ?? NaN
            add(site, key, [...v, 0])
            site.get(key)![2] = Number.isNaN(known)
              ? calls
              : Number.isNaN(calls)
                ? known
                : known + calls
          }
          line += rand(4)
        }
      }
    }
    const d = b.finish(['a.c', 'b.h'])
    const want = [
      ...[...self].map(([key, v]) => `${key} = ${v}`),
      ...[...site].map(([key, v]) => `${key} = ${v.slice(0, 2)} x${v[2]}`),
    ]
    expect(rows(d)).toEqual(want)
    expect(d.lines.length).toBeGreaterThan(400)
    expect(d.sites.length).toBeGreaterThan(100)
  })

  test('remap merges rows whose functions or files turn out equal', () => {
    const b = new PositionBuilder(1)
    b.addSelf(0, 0, 1, 0, 0, [1])
    b.addSelf(1, 1, 1, 0, 0, [2])
    b.addSelf(2, 0, 2, 0, 0, [3])
    const d = remapPositions(b.finish(['x', 'y']), [0, 0, 1], [0, 0], ['same'])
    expect(rows(d)).toEqual(['0 same:1 = 3', '1 same:2 = 3'])
  })

  test('remap of files to unknown (???): rows kept as they are unless two become one', () => {
    // Files 0 and 2 are unknown, 1 and 3 are renamed 0 and 1.
    const fileOf = [-1, 0, -1, 1]
    const detail = () => {
      const b = new PositionBuilder(1)
      b.addSelf(0, 0, 1, 0, 0, [1])
      b.addSelf(0, 1, 1, 0, 0, [2])
      b.addSelf(1, 2, 1, 0, 0, [3])
      b.addSelf(1, 3, 5, 0, 9, [4])
      b.addSite(0, 1, 0, 1, 0, 0, [5], 0, 2)
      b.addSite(0, 1, 3, 1, 0, 0, [6], 0, NaN)
      return b
    }
    const names = ['k.c', 'l.c']
    const kept = remapPositions(detail().finish(), undefined, fileOf, names)
    // The same frames given as a renaming: every row goes through a builder again.
    const rebuilt = remapPositions(detail().finish(), [0, 1], fileOf, names)
    expect(rows(kept)).toEqual(rows(rebuilt))
    expect(rows(kept)).toEqual([
      '0 ?:1 = 1',
      '0 k.c:1 = 2',
      '1 ?:1 = 3',
      '1 l.c:5 @9 = 4',
      '0>1 ?:1 = 5 x2',
      '0>1 l.c:1 = 6 xNaN',
    ])
    // Frame 0 has line 1 in both unknown files: one row.
    const b = detail()
    b.addSelf(0, 2, 1, 0, 0, [10])
    b.addSite(0, 1, 2, 1, 0, 0, [7], 0, 1)
    const merged = remapPositions(b.finish(), undefined, fileOf, names)
    expect(rows(merged)).toEqual([
      '0 ?:1 = 11',
      '0 k.c:1 = 2',
      '1 ?:1 = 3',
      '1 l.c:5 @9 = 4',
      '0>1 ?:1 = 12 x3',
      '0>1 l.c:1 = 6 xNaN',
    ])
  })
})

describe('checkPositions', () => {
  function graph() {
    const g = new GraphBuilder(1)
    g.node(0).self[0] = 2
    g.node(1).self[0] = 5
    const e = g.edge(0, 1)
    e.total[0] = 5
    e.calls = 3
    return g.finish()
  }

  test('accepts detail whose sums equal the graph, refuses any that does not', () => {
    const ok = new PositionBuilder(1)
    ok.addSelf(0, -1, 1, 0, 0, [2])
    ok.addSelf(1, -1, 7, 0, 0, [4])
    ok.addSelf(1, -1, 8, 0, 0, [1])
    ok.addSite(0, 1, -1, 1, 0, 0, [3], 0, 1)
    ok.addSite(0, 1, -1, 2, 0, 0, [2], 0, 2)
    expect(() => checkPositions(ok.finish(), graph(), 'test')).not.toThrow()

    const selfOff = new PositionBuilder(1)
    selfOff.addSelf(0, -1, 1, 0, 0, [2])
    selfOff.addSelf(1, -1, 7, 0, 0, [4])
    selfOff.addSite(0, 1, -1, 1, 0, 0, [5], 0, 3)
    expect(() => checkPositions(selfOff.finish(), graph(), 'test')).toThrow(ProfconvError)

    const callsOff = new PositionBuilder(1)
    callsOff.addSelf(0, -1, 1, 0, 0, [2])
    callsOff.addSelf(1, -1, 7, 0, 0, [5])
    callsOff.addSite(0, 1, -1, 1, 0, 0, [5], 0, 2)
    expect(() => checkPositions(callsOff.finish(), graph(), 'test')).toThrow(/calls/)

    const noArc = new PositionBuilder(1)
    noArc.addSelf(0, -1, 1, 0, 0, [2])
    noArc.addSelf(1, -1, 7, 0, 0, [5])
    noArc.addSite(0, 1, -1, 1, 0, 0, [5], 0, 3)
    noArc.addSite(1, 0, -1, 9, 0, 0, [1], 0, NaN)
    expect(() => checkPositions(noArc.finish(), graph(), 'test')).toThrow(/no arc/)
  })

  test('finds the arcs of a caller of many callees, sites in any order', () => {
    // Frame 0 calls frames 1..40 (more than a short scan takes), each from two lines.
    const g = new GraphBuilder(1)
    g.node(0).self[0] = 1
    const detail = new PositionBuilder(1)
    detail.addSelf(0, -1, 1, 0, 0, [1])
    for (let callee = 40; callee >= 1; callee--) {
      g.node(callee).self[0] = callee
      detail.addSelf(callee, -1, 1, 0, 0, [callee])
      g.edge(0, callee).total[0] = callee
      detail.addSite(0, callee, -1, 100 + callee, 0, 0, [callee - 0.5], 0, NaN)
    }
    for (let callee = 1; callee <= 40; callee++)
      detail.addSite(0, callee, -1, 200 + callee, 0, 0, [0.5], 0, NaN)
    const ok = detail.finish()
    expect(() => checkPositions(ok, g.finish(), 'test')).not.toThrow()

    g.edge(0, 17).total[0] = 18
    expect(() => checkPositions(ok, g.finish(), 'test')).toThrow(/arc 0 -> 17/)
  })
})

describe('positions from a stack tree', () => {
  function profile(): Profile {
    const frames = new FrameTable()
    const main = frames.intern({ name: 'main', file: 'm.c' })
    const f = frames.intern({ name: 'f', file: 'f.c' })
    const s = new SamplesBuilder(1)
    const t = s.tree
    const root = t.child(-1, main, 5)
    const root6 = t.child(-1, main, 6)
    s.add(t.child(root, f, 10), [3])
    s.add(t.child(root, f, 11, t.fileId('inl.h'), 0xffffffff813aecd3n), [4])
    // recursion: main:6 -> f:12 -> f:13; the arc main->f counts once, at main:6
    const rec = t.child(root6, f, 12)
    s.add(t.child(rec, f, 13), [2])
    s.add(root, [1])
    return {
      metrics: [{ name: 'samples', unit: 'count' }],
      defaultMetric: 0,
      frames,
      samples: s.finish(),
      meta: newMeta('test'),
    }
  }

  test('self rows at leaf positions, sites at the caller node, sums exact', () => {
    const p = profile()
    const d = positionsOf(p)!
    expect(rows(d)).toEqual([
      '0 m.c:5 = 1',
      '1 f.c:10 = 3',
      '1 inl.h:11 @ffffffff813aecd3 = 4',
      '1 f.c:13 = 2',
      '0>1 m.c:5 = 7 xNaN',
      '0>1 m.c:6 = 2 xNaN',
      '1>1 f.c:12 = 2 xNaN',
    ])
    expect(() => checkPositions(d, samplesToGraph(p.samples!, 1), 'test')).not.toThrow()
  })

  test('merging sample profiles keeps every node position; the sums double', () => {
    const merged = mergeProfiles([profile(), profile()])
    const d = positionsOf(merged)!
    expect(rows(d)[2]).toBe('1 inl.h:11 @ffffffff813aecd3 = 8')
    expect(() => checkPositions(d, samplesToGraph(merged.samples!, 1), 'test')).not.toThrow()
  })

  test('merging a graph with detail and one without keeps the sums', () => {
    const withDetail = profile()
    const g = samplesToGraph(withDetail.samples!, 1)
    const a: Profile = {
      ...withDetail,
      samples: undefined,
      graph: g,
      positions: positionsOf(withDetail),
    }
    const b: Profile = { ...withDetail, samples: undefined, graph: g }
    const merged = mergeProfiles([a, b])
    expect(() => checkPositions(merged.positions!, merged.graph!, 'test')).not.toThrow()
    expect(rows(merged.positions!)).toContain('1 f.c:0 = 9')
  })
})

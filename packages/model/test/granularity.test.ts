import {
  FrameTable,
  GraphBuilder,
  PositionBuilder,
  SamplesBuilder,
  dumpGraph,
  newMeta,
  unitView,
  withGranularity,
  type Profile,
} from '../src/index.js'

// Two files: main.c (main at lines 3 and 4, helper at line 9) and util.c (add at line 2).
function sampled(): Profile {
  const frames = new FrameTable()
  const main = frames.intern({ name: 'main', file: 'main.c' })
  const helper = frames.intern({ name: 'helper', file: 'main.c' })
  const add = frames.intern({ name: 'add', file: 'util.c' })
  const b = new SamplesBuilder(1)
  const t = b.tree
  const at = (parent: number, frame: number, line: number, address = 0) =>
    t.child(parent, frame, line, -1, address)
  // main:3 → helper:9 → add:2 (5); main:3 → add:2 (2); main:4 (1); main:4 → helper:9 (3)
  b.add(at(at(at(-1, main, 3), helper, 9, 0x401000), add, 2), [5])
  b.add(at(at(-1, main, 3), add, 2, 0x402000), [2])
  b.add(at(-1, main, 4), [1])
  b.add(at(at(-1, main, 4), helper, 9, 0x401004), [3])
  return {
    metrics: [{ name: 'samples', unit: 'count' }],
    defaultMetric: 0,
    frames,
    samples: b.finish(),
    meta: newMeta('test'),
  }
}

describe('granularity from samples (exact, pprof rule)', () => {
  test('functions is the profile itself', () => {
    const p = sampled()
    expect(withGranularity(p, 'functions')).toBe(p)
  })

  test('lines: one unit per function and line, named like pprof', () => {
    expect(dumpGraph(withGranularity(sampled(), 'lines'))).toBe(
      [
        'edge helper main.c:9 -> add util.c:2 total=5',
        'edge main main.c:3 -> add util.c:2 total=2',
        'edge main main.c:3 -> helper main.c:9 total=5',
        'edge main main.c:4 -> helper main.c:9 total=3',
        'fn add util.c:2 self=7 total=7',
        'fn helper main.c:9 self=3 total=8',
        'fn main main.c:3 self=0 total=7',
        'fn main main.c:4 self=1 total=4',
      ].join('\n'),
    )
  })

  test('files: a file calling itself is one box; totals count a sample once', () => {
    expect(dumpGraph(withGranularity(sampled(), 'files'))).toBe(
      [
        'edge main.c -> util.c total=7',
        'fn main.c self=4 total=11',
        'fn util.c self=7 total=7',
      ].join('\n'),
    )
  })

  test('filefunctions and addresses', () => {
    expect(dumpGraph(withGranularity(sampled(), 'filefunctions'))).toContain(
      'fn helper main.c self=3 total=8',
    )
    const view = unitView(sampled(), 'addresses')
    const names = view.profile.frames.frames.map((f) => f.name).sort()
    expect(names).toContain('0000000000401000 helper main.c:9')
    expect(names).toContain('0000000000402000 add util.c:2')
    expect(names).toContain('add util.c:2')
    const u = names.indexOf('0000000000401000 helper main.c:9')
    expect(u).toBeGreaterThanOrEqual(0)
    const id = view.profile.frames.frames.findIndex((f) => f.name.startsWith('0000000000401000'))
    expect(view.units.line[id]).toBe(9)
    expect(view.units.addressLo[id]).toBe(0x401000)
    expect(view.units.files[view.units.file[id]]).toBe('main.c')
  })

  test('without positions a unit is a function, and a note says so', () => {
    const p = sampled()
    const frames = p.frames
    const b = new SamplesBuilder(1)
    b.addStack([0, 2], [4])
    const plain: Profile = { ...p, frames, samples: b.finish(), meta: newMeta('test') }
    const view = withGranularity(plain, 'lines')
    expect(dumpGraph(view)).toContain('fn add util.c self=4 total=4')
    expect(view.meta.notes.join(' ')).toMatch(/no source lines/)
  })
})

// The same program as a call graph with position detail (callgrind-like): exact self, totals
// as own cost plus calls out, calls into a function of several lines shared by their weight.
function graphed(): Profile {
  const p = sampled()
  const [main, helper, add] = [0, 1, 2]
  const g = new GraphBuilder(1)
  const node = (f: number, self: number, total: number) => {
    const n = g.node(f)
    n.self[0] = self
    n.total[0] = total
  }
  node(main, 1, 11)
  node(helper, 3, 8)
  node(add, 7, 7)
  g.edge(main, helper).total[0] = 8
  g.edge(main, add).total[0] = 2
  g.edge(helper, add).total[0] = 5
  const d = new PositionBuilder(1)
  const mc = d.file('main.c')
  const uc = d.file('util.c')
  d.addSelf(main, mc, 4, 0, 0, [1])
  d.addSelf(helper, mc, 9, 0, 0, [3])
  d.addSelf(add, uc, 2, 0, 0, [7])
  d.addSite(main, helper, mc, 3, 0, 0, [5], 0, NaN)
  d.addSite(main, helper, mc, 4, 0, 0, [3], 0, NaN)
  d.addSite(main, add, mc, 3, 0, 0, [2], 0, NaN)
  d.addSite(helper, add, mc, 9, 0, 0, [5], 0, NaN)
  return { ...p, samples: undefined, graph: g.finish(), positions: d.finish() }
}

describe('granularity from a call graph', () => {
  test('lines: exact where each function is one line', () => {
    expect(dumpGraph(withGranularity(graphed(), 'lines'))).toBe(
      [
        'edge helper main.c:9 -> add util.c:2 total=5',
        'edge main main.c:3 -> add util.c:2 total=2',
        'edge main main.c:3 -> helper main.c:9 total=5',
        'edge main main.c:4 -> helper main.c:9 total=3',
        'fn add util.c:2 self=7 total=7',
        'fn helper main.c:9 self=3 total=8',
        'fn main main.c:3 self=0 total=7',
        'fn main main.c:4 self=1 total=4',
      ].join('\n'),
    )
  })

  test('files: own cost plus calls to other files', () => {
    const view = withGranularity(graphed(), 'files')
    expect(dumpGraph(view)).toBe(
      [
        'edge main.c -> util.c total=7',
        'fn main.c self=4 total=11',
        'fn util.c self=7 total=7',
      ].join('\n'),
    )
    expect(view.meta.notes).toEqual([])
  })

  test('a call into a function of several lines is shared by their weight (noted)', () => {
    const p = graphed()
    // helper now spends its cost at two lines: 9 (3) and 10 (its call to add, 5).
    const d = new PositionBuilder(1)
    const mc = d.file('main.c')
    const uc = d.file('util.c')
    d.addSelf(0, mc, 4, 0, 0, [1])
    d.addSelf(1, mc, 9, 0, 0, [3])
    d.addSelf(2, uc, 2, 0, 0, [7])
    d.addSite(0, 1, mc, 3, 0, 0, [8], 0, NaN)
    d.addSite(0, 2, mc, 3, 0, 0, [2], 0, NaN)
    d.addSite(1, 2, mc, 10, 0, 0, [5], 0, NaN)
    const view = withGranularity({ ...p, positions: d.finish() }, 'lines')
    const dump = dumpGraph(view)
    expect(dump).toContain('edge main main.c:3 -> helper main.c:9 total=3')
    expect(dump).toContain('edge main main.c:3 -> helper main.c:10 total=5')
    expect(dump).toContain('fn helper main.c:10 self=0 total=5')
    expect(view.meta.notes.join(' ')).toMatch(/shared among them/)
  })

  test('recursion through a unit: total estimated, within the profile total, noted', () => {
    const frames = new FrameTable()
    const a = frames.intern({ name: 'a', file: 'x.c' })
    const b = frames.intern({ name: 'b', file: 'y.c' })
    const c = frames.intern({ name: 'c', file: 'x.c' })
    const g = new GraphBuilder(1)
    const set = (f: number, self: number, total: number) => {
      const n = g.node(f)
      n.self[0] = self
      n.total[0] = total
    }
    // a (x.c) → b (y.c) → c (x.c): x.c is entered twice on one stack.
    set(a, 1, 10)
    set(b, 1, 9)
    set(c, 8, 8)
    g.edge(a, b).total[0] = 9
    g.edge(b, c).total[0] = 8
    const p: Profile = {
      metrics: [{ name: 'samples', unit: 'count' }],
      defaultMetric: 0,
      frames,
      graph: g.finish(),
      meta: newMeta('test'),
    }
    const view = withGranularity(p, 'files')
    const x = view.graph!.nodes.find((n) => view.frames.get(n.frame).name === 'x.c')!
    expect(x.self[0]).toBe(9)
    expect(x.total[0]).toBe(10) // 9 + 9 capped at the profile total
    expect(x.totalEstimated).toBe(true)
    expect(view.meta.notes.join(' ')).toMatch(/estimated/)
  })
})

import {
  FrameTable,
  GraphBuilder,
  ProfileMerger,
  SamplesBuilder,
  StackTree,
  dumpGraph,
  dumpStacks,
  mergeProfiles,
  newMeta,
  type Label,
  type Profile,
  type ProfileMeta,
} from '../src/index.js'

/** A profile from folded-style stacks (`['main;a;b', 3]`), one metric, optional labels. */
function stacks(list: [string, number, Label[]?][], meta: Partial<ProfileMeta> = {}): Profile {
  const frames = new FrameTable()
  const samples = new SamplesBuilder(1)
  for (const [stack, value, labels] of list)
    samples.addStack(
      stack.split(';').map((name) => frames.intern({ name })),
      [value],
      labels,
    )
  return {
    metrics: [{ name: 'samples', unit: 'count' }],
    defaultMetric: 0,
    frames,
    samples: samples.finish(),
    meta: { ...newMeta('test'), ...meta },
  }
}

/** A pstats-like call graph: `[caller, callee, total, calls]` edges and `name: self` nodes. */
function graph(selfs: Record<string, number>, edges: [string, string, number, number][]): Profile {
  const frames = new FrameTable()
  const builder = new GraphBuilder(1)
  for (const [name, self] of Object.entries(selfs)) {
    const node = builder.node(frames.intern({ name }))
    node.self[0] = self
    node.total[0] = self
    node.calls = 1
  }
  for (const [a, b, total, calls] of edges) {
    const edge = builder.edge(frames.intern({ name: a }), frames.intern({ name: b }))
    edge.total[0] = total
    edge.calls = calls
    builder.node(frames.intern({ name: a })).total[0] += total
  }
  return {
    metrics: [{ name: 'time', unit: 'seconds' }],
    defaultMetric: 0,
    frames,
    graph: builder.finish(),
    meta: newMeta('pstats'),
  }
}

/** Everything that decides a writer's bytes: frames, tree and samples in id order. */
function layout(p: Profile): string {
  const s = p.samples!
  const { parent, frame } = s.tree.columns()
  return JSON.stringify({
    frames: p.frames.frames,
    parent: [...parent],
    frame: [...frame],
    stack: [...s.stack],
    values: s.values.map((v) => [...v]),
    labels: s.labels,
    meta: p.meta,
  })
}

describe('ProfileMerger', () => {
  test('samples of one stack and label set become one sample; other labels stay apart', () => {
    const cpu: Label[] = [{ key: 'host', str: 'a' }]
    const other: Label[] = [{ key: 'host', str: 'b' }]
    const a = stacks([
      ['main;f', 1, cpu],
      ['main;f', 2, cpu],
    ])
    const b = stacks([
      ['main;f', 4, [{ key: 'host', str: 'a' }]],
      ['main;f', 8, other],
      ['main;g', 16],
    ])
    const merged = mergeProfiles([a, b])
    expect(merged.samples!.stack.length).toBe(3)
    expect([...merged.samples!.values[0]]).toEqual([7, 8, 16])
    expect(merged.samples!.labels).toEqual([cpu, other, undefined])
    expect(dumpStacks(merged)).toBe('main;f 15\nmain;g 16')
  })

  test('one input comes back as it is', () => {
    const a = stacks([['main', 1]])
    expect(mergeProfiles([a])).toBe(a)
  })

  test('folding partial results of consecutive inputs in order gives the same profile', () => {
    const inputs = Array.from({ length: 7 }, (_, k) =>
      stacks([
        [`main;f${k % 3};g${k % 2}`, k + 1],
        [`main;h;f${(k + 1) % 3}`, 2 * k + 1, k % 2 ? [{ key: 'k', num: k % 2 }] : undefined],
        ['main', 1],
      ]),
    )
    const whole = mergeProfiles(inputs)
    const partials = [inputs.slice(0, 3), inputs.slice(3, 4), inputs.slice(4)].map((chunk) =>
      mergeProfiles(chunk),
    )
    expect(layout(mergeProfiles(partials))).toBe(layout(whole))
  })

  test('stacks keep their lines, files and addresses; a tree rebuilt from columns merges like the original', () => {
    const frames = new FrameTable()
    const f = frames.intern({ name: 'f' })
    const tree = new StackTree()
    const builder = new SamplesBuilder(1, tree)
    builder.add(tree.child(tree.child(-1, f, 3), f, 7), [1])
    builder.add(tree.child(tree.child(-1, f, 3), f, 8), [1])
    builder.add(tree.child(-1, f, 9, tree.fileId('inlined.h'), 2n ** 40n + 5n), [1])
    const samples = builder.finish()
    const a: Profile = {
      metrics: [{ name: 'n', unit: 'count' }],
      defaultMetric: 0,
      frames,
      samples,
      meta: newMeta('t'),
    }
    const copy: Profile = {
      ...a,
      samples: {
        ...samples,
        tree: StackTree.fromColumns(copyColumns(tree)),
      },
    }
    const merged = mergeProfiles([a, copy])
    const t = merged.samples!.tree
    expect(t.length).toBe(4)
    expect([0, 1, 2, 3].map((n) => t.line(n))).toEqual([3, 7, 8, 9])
    expect(t.files[t.file(3)]).toBe('inlined.h')
    expect([t.addressHi(3), t.addressLo(3)]).toEqual([2 ** 8, 5])
    expect([...merged.samples!.values[0]]).toEqual([2, 2, 2])
  })

  test('meta: durations add up, the earliest start, period agreed, comments and notes once', () => {
    const period = { metric: { name: 'cpu', unit: 'nanoseconds' }, value: 10_000_000 }
    const a = stacks([['main', 1]], {
      duration: 30e9,
      startTime: 2000,
      period,
      comments: ['built by go'],
      notes: ['x rounded'],
    })
    const b = stacks([['main', 1]], {
      duration: 31e9,
      startTime: 1000,
      period: { ...period, value: 20_000_000 },
      comments: ['built by go', 'host b'],
      notes: ['x rounded'],
    })
    const c = stacks([['main', 1]])
    const meta = mergeProfiles([a, b, c]).meta
    expect(meta.duration).toBe(61e9)
    expect(meta.startTime).toBe(1000)
    expect(meta.period).toEqual({ ...period, value: 20_000_000 })
    expect(meta.comments).toEqual(['built by go', 'host b'])
    expect(meta.notes[0]).toBe('x rounded')
    expect(meta.notes[1]).toMatch(/different periods; .* largest, 20000000 nanoseconds of cpu/)
    expect(meta.notes).toHaveLength(2)
  })

  test('stated totals add up while every input states them', () => {
    const a = stacks([['main', 1]], { totals: [10] })
    const b = stacks([['main', 1]], { totals: [5] })
    expect(mergeProfiles([a, b]).meta.totals).toEqual([15])
    expect(mergeProfiles([a, b, stacks([['main', 1]])]).meta.totals).toBeUndefined()
  })

  test('periods of different kinds and metrics of different units are refused, naming both', () => {
    const a = stacks([['main', 1]], {
      period: { metric: { name: 'cpu', unit: 'nanoseconds' }, value: 1 },
    })
    const b = stacks([['main', 1]], {
      period: { metric: { name: 'space', unit: 'bytes' }, value: 512 },
    })
    const merger = new ProfileMerger()
    merger.add(a, 'a.pb.gz')
    expect(() => merger.add(b, 'b.pb.gz')).toThrow(
      /different measures: a\.pb\.gz takes a sample every 1 nanoseconds of cpu, b\.pb\.gz every 512 bytes of space/,
    )
    const bytes = { ...stacks([['main', 1]]), metrics: [{ name: 'samples', unit: 'bytes' }] }
    expect(() => mergeProfiles([a, bytes])).toThrow(/'samples' in count \(input 1\)/)
  })

  test('sameKind refuses other metrics, naming both inputs', () => {
    const merger = new ProfileMerger({ sameKind: true })
    merger.add(stacks([['main', 1]]), 'one.prof')
    expect(() => merger.add(graph({ main: 1 }, []), 'two.prof')).toThrow(
      'cannot merge profiles of different kinds: one.prof has samples (count), two.prof has time (seconds)',
    )
  })

  test('call graphs add up per function and arc; unknown calls stay unknown', () => {
    const a = graph({ main: 1, f: 2 }, [['main', 'f', 2, 3]])
    const b = graph({ f: 4, g: 1 }, [
      ['main', 'f', 4, 1],
      ['f', 'g', 1, 2],
    ])
    const merged = mergeProfiles([a, b])
    expect(dumpGraph(merged).split('\n')).toEqual([
      'edge f -> g total=1 calls=2',
      'edge main -> f total=6 calls=4',
      'fn f self=6 total=7 calls=2',
      'fn g self=1 total=1 calls=1',
      'fn main self=1 total=7 calls=1',
    ])
    expect(merged.graph!.nodes.find((n) => merged.frames.get(n.frame).name === 'f')!.calls).toBe(2)
  })

  test('a graph after samples turns the result into a graph, exactly', () => {
    const s = stacks([
      ['main;f', 2],
      ['main;f;f', 1],
    ])
    const g = { ...graph({ f: 1 }, []), metrics: [{ name: 'samples', unit: 'count' }] }
    const merged = mergeProfiles([s, g])
    expect(merged.samples).toBeUndefined()
    const line = (name: string) =>
      dumpGraph(merged)
        .split('\n')
        .find((l) => l.startsWith(`fn ${name} `))
    expect(line('f')).toMatch(/self=4 total=4/)
    expect(line('main')).toMatch(/self=0 total=3/)
  })
})

/** A tree's columns copied, as a worker thread sends them. */
function copyColumns(tree: StackTree) {
  const c = tree.allColumns()
  return {
    parent: c.parent.slice(),
    frame: c.frame.slice(),
    line: c.line?.slice(),
    file: c.file?.slice(),
    addressHi: c.addressHi?.slice(),
    addressLo: c.addressLo?.slice(),
    files: [...c.files],
  }
}

describe('mappings', () => {
  test('each distinct mapping is kept once, in order, exactly beyond 2^53', () => {
    const bin = { file: '/bin/app', start: 0x400000n, limit: 0x4ab000n, offset: 0n }
    const kernel = {
      file: '[kernel.kallsyms]',
      start: 0xffffffff81000000n,
      limit: 0xffffffff82000000n,
      offset: 0xffffffff81000000n,
      buildId: 'abc',
    }
    const merged = mergeProfiles([
      stacks([['main', 1]], { mappings: [bin] }),
      stacks([['main', 2]], { mappings: [bin, kernel] }),
    ])
    expect(merged.meta.mappings).toEqual([bin, kernel])
    expect(merged.meta.mappings![1].start).toBe(18446744071578845184n)
  })
})

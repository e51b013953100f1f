import {
  FrameTable,
  GraphBuilder,
  SamplesBuilder,
  StackTree,
  newMeta,
  withGranularity,
  withGraph,
  type Granularity,
  type Profile,
} from '@profconv/model'
import { topFormat, writeTop } from '../src/index.js'

/** main → parse → lex, main → emit; self 10/30/50/10 ms, with call counts. */
function graphProfile(): Profile {
  const frames = new FrameTable()
  const [main, parse, lex, emit] = ['main', 'parse', 'lex', 'emit'].map((name) =>
    frames.intern({ name, file: 'app.py', line: name.length }),
  )
  const g = new GraphBuilder(1)
  const set = (f: number, self: number, total: number, calls: number, primitive = calls) =>
    Object.assign(g.node(f), { calls, primitiveCalls: primitive }).self.splice(0, 1, self) &&
    g.node(f).total.splice(0, 1, total)
  set(main, 0.01, 0.1, 1)
  set(parse, 0.03, 0.08, 5, 2)
  set(lex, 0.05, 0.05, 40)
  set(emit, 0.01, 0.01, 3)
  g.edge(main, parse).total[0] = 0.08
  g.edge(parse, lex).total[0] = 0.05
  g.edge(main, emit).total[0] = 0.01
  return {
    metrics: [{ name: 'time', unit: 'seconds' }],
    defaultMetric: 0,
    frames,
    graph: g.finish(),
    meta: newMeta('test'),
  }
}

/** Two metrics from samples: cpu in ns and alloc in bytes; `idle` has a zero-valued sample. */
function samplesProfile(): Profile {
  const frames = new FrameTable()
  const [main, work, idle] = ['main', 'work', 'idle'].map((name) => frames.intern({ name }))
  const s = new SamplesBuilder(2)
  s.addStack([main, work], [2_000_000, 4096])
  s.addStack([main, work], [1_000_000, 0])
  s.addStack([main], [500_000, 10])
  s.addStack([main, idle], [0, 0])
  return {
    metrics: [
      { name: 'cpu', unit: 'nanoseconds' },
      { name: 'alloc', unit: 'bytes' },
    ],
    defaultMetric: 0,
    frames,
    samples: s.finish(),
    meta: newMeta('test'),
  }
}

const rows = (text: string) => text.trimEnd().split('\n').slice(2)

describe('writeTop', () => {
  test('pprof -top columns with print_stats calls, in ms, sorted by self', () => {
    expect(writeTop(graphProfile())).toBe(
      [
        'time (seconds): all 4 functions, accounting for 100 ms (100.00%) of 100 ms total',
        'flat (ms)   flat%     sum%  cum (ms)     cum%  calls  name',
        '       50  50.00%   50.00%        50   50.00%     40  lex (app.py:3)',
        '       30  30.00%   80.00%        80   80.00%    5/2  parse (app.py:5)',
        '       10  10.00%   90.00%        10   10.00%      3  emit (app.py:4)',
        '       10  10.00%  100.00%       100  100.00%      1  main (app.py:4)',
      ].join('\n') + '\n',
    )
  })

  test('--sort total and calls, ties by name; --limit keeps the first rows', () => {
    const p = graphProfile()
    expect(rows(writeTop(p, { sort: 'total' })).map((r) => r.split(/\s+/).at(-2))).toEqual([
      'main',
      'parse',
      'lex',
      'emit',
    ])
    expect(rows(writeTop(p, { sort: 'calls' })).map((r) => r.split(/\s+/).at(-2))).toEqual([
      'lex',
      'parse',
      'emit',
      'main',
    ])
    const top2 = writeTop(p, { limit: 2 })
    expect(rows(top2)).toHaveLength(2)
    expect(top2).toMatch(
      /^time \(seconds\): top 2 of 4 functions, accounting for 80 ms \(80\.00%\) of 100 ms total/,
    )
  })

  test('samples: no calls column, functions without cost left out, --metric picks bytes', () => {
    const p = withGraph(samplesProfile())
    expect(writeTop(p)).toBe(
      [
        'cpu (nanoseconds): all 2 functions, accounting for 3.500 ms (100.00%) of 3.500 ms total',
        'flat (ms)   flat%     sum%  cum (ms)     cum%  name',
        '    3.000  85.71%   85.71%     3.000   85.71%  work',
        '    0.500  14.29%  100.00%     3.500  100.00%  main',
      ].join('\n') + '\n',
    )
    expect(rows(writeTop(p, { metric: 'alloc' }))).toEqual([
      '    4096  99.76%   99.76%     4096   99.76%  work',
      '      10   0.24%  100.00%     4106  100.00%  main',
    ])
  })

  test('samples without a stack: in the total and the shares (pprof -top), in no row', () => {
    const source = samplesProfile()
    const s = new SamplesBuilder(2, source.samples!.tree)
    const { stack, values } = source.samples!
    for (let i = 0; i < stack.length; i++) s.add(stack[i], [values[0][i], values[1][i]])
    s.add(-1, [1_500_000, 0]) // e.g. a pprof sample without locations
    const p = withGraph({ ...source, samples: s.finish() })
    expect(writeTop(p)).toBe(
      [
        'cpu (nanoseconds): all 2 functions, accounting for 3.500 ms (70.00%) of 5.000 ms total',
        'flat (ms)   flat%    sum%  cum (ms)    cum%  name',
        '    3.000  60.00%  60.00%     3.000  60.00%  work',
        '    0.500  10.00%  70.00%     3.500  70.00%  main',
      ].join('\n') + '\n',
    )
    // A stackless sample with no cost in the metric shown changes nothing.
    expect(rows(writeTop(p, { metric: 'alloc' }))[0]).toBe(
      '    4096  99.76%   99.76%     4096   99.76%  work',
    )
  })

  test('colour only when asked: hot rows red, header bold', () => {
    expect(writeTop(graphProfile())).not.toContain('\u001b[')
    const coloured = writeTop(graphProfile(), { color: true })
    expect(coloured).toContain('\u001b[1mflat (ms)')
    expect(coloured).toContain('\u001b[31m       50  50.00%')
  })

  test('the header counts rows in the unit of --granularity, as the CLI passes it', () => {
    // main (app.go) at lines 1 and 2; work (app.go) at lines 10 and 12: 2 functions, 4 lines.
    const frames = new FrameTable()
    const [main, work] = ['main', 'work'].map((name) => frames.intern({ name, file: 'app.go' }))
    const tree = new StackTree()
    const s = new SamplesBuilder(1, tree)
    const main1 = tree.child(-1, main, 1)
    s.add(tree.child(main1, work, 10), [2])
    s.add(tree.child(main1, work, 12), [1])
    s.add(tree.child(-1, main, 2), [1])
    const profile: Profile = {
      metrics: [{ name: 'samples', unit: 'count' }],
      defaultMetric: 0,
      frames,
      samples: s.finish(),
      meta: newMeta('test'),
    }
    const title = (granularity: Granularity) => {
      const view = withGraph(withGranularity(profile, granularity))
      const text = topFormat.write!(view, { granularity }) as string
      return text.slice(0, text.indexOf(','))
    }
    expect(title('functions')).toBe('samples (count): all 2 functions')
    expect(title('filefunctions')).toBe('samples (count): all 2 functions (per file)')
    expect(title('files')).toBe('samples (count): all 1 file')
    expect(title('lines')).toBe('samples (count): all 4 lines')
    const lines = withGraph(withGranularity(profile, 'lines'))
    expect(writeTop(lines, { granularity: 'lines', limit: 2 })).toMatch(
      /^samples \(count\): top 2 of 4 lines, accounting for 3 \(75\.00%\) of 4 total\n/,
    )
    expect(
      rows(writeTop(lines, { granularity: 'lines' })).map((r) => r.split(/  +/).at(-1)),
    ).toEqual(['work app.go:10', 'main app.go:2', 'work app.go:12', 'main app.go:1'])
  })
})

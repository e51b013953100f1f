import { readCpuprofile } from '@profconv/cpuprofile'
import {
  FrameTable,
  SamplesBuilder,
  StackTree,
  newMeta,
  withGranularity,
  type Profile,
} from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readFolded, writeFolded } from '../src/index.js'

function profile(): Profile {
  const frames = new FrameTable()
  const main = frames.intern({ name: 'main', file: 'app.py', line: 1 })
  const odd = frames.intern({ name: 'a;b\nc' })
  const leaf = frames.intern({ name: 'leaf' })
  const b = new SamplesBuilder(2)
  b.addStack([main, leaf], [1, 0.5])
  b.addStack([main, odd], [2, 0])
  b.addStack([main, leaf], [3, 1])
  b.addStack([], [4, 4])
  return {
    metrics: [
      { name: 'samples', unit: 'count' },
      { name: 'cpu', unit: 'seconds' },
    ],
    defaultMetric: 1,
    frames,
    samples: b.finish(),
    meta: newMeta('test'),
  }
}

describe('folded writer', () => {
  test('default metric, one line per stack, integral counts as integers, zero stacks left out', () => {
    const p = profile()
    expect(writeFolded(p)).toBe('main (app.py:1);leaf 1500000000\n')
    expect(p.meta.notes).toEqual([
      "folded: 'cpu' (seconds, with fractions) written in whole nanoseconds: folded counts are integers to inferno and flamegraph.pl (flamegraph.pl --countname ns names them)",
      "folded holds one metric: wrote 'cpu', dropped samples",
      "folded: ';' or line breaks replaced in 1 frame name(s)",
      'folded: 1 sample(s) without a stack left out',
    ])
  })

  test('counts in plain decimals, never exponent notation: flamegraph.pl and the reader take them', () => {
    // A tiny fraction (9.62e-7) and a count past 1e21 print in exponent notation as JavaScript
    // strings; flamegraph.pl skips such lines and the folded reader rejects them.
    const frames = new FrameTable()
    const main = frames.intern({ name: 'main' })
    const tiny = frames.intern({ name: 'tiny' })
    const b = new SamplesBuilder(1)
    b.addStack([main, tiny], [9.62e-7])
    b.addStack([main], [1.5e21])
    const p: Profile = {
      metrics: [{ name: 'weight', unit: 'count' }],
      defaultMetric: 0,
      frames,
      samples: b.finish(),
      meta: newMeta('test'),
    }
    const text = writeFolded(p)
    expect(text).toBe('main;tiny 0.000000962\nmain 1500000000000000000000\n')
    const back = readFolded(new TextEncoder().encode(text))
    expect(Array.from(back.samples!.values[0])).toEqual([9.62e-7, 1.5e21])
  })

  test('time with fractions (cProfile seconds) in whole nanoseconds, noted; whole times as they are', () => {
    // cProfile's tt: 892 ns is 8.920000000000001e-7 s. inferno drops a count's fraction and
    // flamegraph.pl prints rounded counts and shares (0 samples, 0.00%) in its tooltips.
    const frames = new FrameTable()
    const [main, fib, exec] = ['main', 'fib', 'exec'].map((name) => frames.intern({ name }))
    const seconds = (values: number[], unit = 'seconds'): Profile => {
      const b = new SamplesBuilder(1)
      b.addStack([main, fib], [values[0]])
      b.addStack([main], [values[1]])
      b.addStack([main, fib], [values[2]])
      b.addStack([exec], [values[3]])
      return {
        metrics: [{ name: 'time', unit }],
        defaultMetric: 0,
        frames,
        samples: b.finish(),
        meta: newMeta('test'),
      }
    }
    const p = seconds([0.008422473, 8.920000000000001e-7, 0.000944778, 2e-10])
    // Lines summed first (main;fib 9367251 ns), rounded once; 0.2 ns rounds to 0: left out.
    expect(writeFolded(p)).toBe('main;fib 9367251\nmain 892\n')
    expect(p.meta.notes).toEqual([
      "folded: 'time' (seconds, with fractions) written in whole nanoseconds: folded counts are integers to inferno and flamegraph.pl (flamegraph.pl --countname ns names them)",
    ])
    const ms = seconds([1.25, 2, 0.5, 1], 'milliseconds')
    expect(writeFolded(ms)).toBe('main;fib 1750000\nmain 2000000\nexec 1000000\n')
    const ns = seconds([10.4, 2, 0.5, 1], 'nanoseconds') // estimated stacks: fractions of ns
    expect(writeFolded(ns)).toBe('main;fib 11\nmain 2\nexec 1\n')
    const whole = seconds([3, 2, 1, 1])
    expect(writeFolded(whole)).toBe('main;fib 4\nmain 2\nexec 1\n')
    expect(whole.meta.notes).toEqual([])
  })

  test('--metric by name', () => {
    expect(writeFolded(profile(), { metric: 'samples' })).toBe(
      'main (app.py:1);leaf 4\nmain (app.py:1);a:b c 2\n',
    )
  })

  describe('lines of stack nodes (position detail)', () => {
    /** app.py: main (line 1) calls work (line 5) from line 3, work calls helper from 7 and 5. */
    function withLines(): Profile {
      const frames = new FrameTable()
      const main = frames.intern({ name: 'main', file: 'app.py', line: 1 })
      const work = frames.intern({ name: 'work', file: 'app.py', line: 5 })
      const helper = frames.intern({ name: 'helper', file: 'app.py' })
      const tree = new StackTree()
      const b = new SamplesBuilder(1, tree)
      const main3 = tree.child(-1, main, 3)
      b.add(tree.child(tree.child(main3, work, 7), helper, 12), [1])
      b.add(tree.child(tree.child(main3, work, 8), helper, 13), [2])
      b.add(tree.child(main3, work, 5), [4])
      b.add(tree.child(-1, main), [8])
      return {
        metrics: [{ name: 'samples', unit: 'count' }],
        defaultMetric: 0,
        frames,
        samples: b.finish(),
        meta: newMeta('test'),
      }
    }

    test('a frame with a line of its own is written at its node’s line, as py-spy writes lines', () => {
      expect(writeFolded(withLines())).toBe(
        [
          'main (app.py:3);work (app.py:7);helper (app.py) 1',
          'main (app.py:3);work (app.py:8);helper (app.py) 2',
          'main (app.py:3);work (app.py:5) 4',
          // No line on the node: the frame's own.
          'main (app.py:1) 8',
          '',
        ].join('\n'),
      )
    })

    test('--granularity lines: one frame per function and line, named as pprof names it', () => {
      expect(writeFolded(withGranularity(withLines(), 'lines'))).toBe(
        [
          'main app.py:3;work app.py:7;helper app.py:12 1',
          'main app.py:3;work app.py:8;helper app.py:13 2',
          'main app.py:3;work app.py:5 4',
          'main app.py 8',
          '',
        ].join('\n'),
      )
    })

    test('py-spy frames (the function, its lines on the nodes) stay one per function', () => {
      const text = 'a (x.py:3);b (x.py:10) 2\na (x.py:4);b (x.py:11) 1\n'
      expect(writeFolded(readFolded(new TextEncoder().encode(text)))).toBe('a (x.py);b (x.py) 3\n')
    })

    test('a node.js profile read with its positionTicks: each leaf at the lines V8 ticked', () => {
      const bytes = fixture('cpuprofile/workload.cpuprofile')
      const json = JSON.parse(new TextDecoder().decode(bytes)) as {
        nodes: {
          id: number
          callFrame: { functionName: string; url: string; lineNumber: number }
          positionTicks?: { line: number; ticks: number }[]
        }[]
        samples: number[]
      }
      // From the file: samples of each node, at the lines of its ticks; the rest at the function's
      // own line (no node here has more ticks than samples).
      const count = new Map<number, number>()
      for (const id of json.samples) count.set(id, (count.get(id) ?? 0) + 1)
      const want = new Map<string, number>()
      const add = (key: string, n: number) => n > 0 && want.set(key, (want.get(key) ?? 0) + n)
      let moved = 0
      for (const { id, callFrame: f, positionTicks = [] } of json.nodes) {
        if (!f.url || !count.has(id)) continue
        const name = `${f.functionName || '(anonymous)'} (${f.url}:`
        let rest = count.get(id)!
        for (const t of positionTicks) {
          add(`${name}${t.line})`, t.ticks)
          rest -= t.ticks
          if (t.line !== f.lineNumber + 1) moved += t.ticks
        }
        expect(rest).toBeGreaterThanOrEqual(0)
        add(`${name}${f.lineNumber + 1})`, rest)
      }
      expect(moved).toBeGreaterThan(100)
      const folded = writeFolded(readCpuprofile(bytes, { positions: true }), { metric: 'samples' })
      const got = new Map<string, number>()
      for (const line of folded.trimEnd().split('\n')) {
        const leaf = line.slice(line.lastIndexOf(';') + 1, line.lastIndexOf(' '))
        if (/ \([^()]+:\d+\)$/.test(leaf))
          got.set(leaf, (got.get(leaf) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)))
      }
      expect(got).toEqual(want)
    })
  })
})

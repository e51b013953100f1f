import { SamplesBuilder, FrameTable, newMeta, withSamples, type Profile } from '@profconv/model'
import { readPstats } from '@profconv/pstats'
import { readPprof } from '@profconv/pprof'
import { readCallgrind } from '@profconv/callgrind'
import { readSpeedscope } from '@profconv/speedscope'
import { writeFolded } from '@profconv/folded'
import { HOSTILE_NAMES, fixture } from '@profconv/testkit'
import { writeFlamegraph } from '../src/index.js'
import { foldedPrefixes, parseBoxes } from './boxes.js'
import { stacksProfile } from './profiles.js'

const close = (a: number, b: number) =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))

const FIXTURES: [string, () => Profile][] = [
  ['pprof cpu', () => readPprof(fixture('pprof/cpu.pb.gz'))],
  ['pprof heap', () => readPprof(fixture('pprof/heap.pb.gz'))],
  ['pstats (estimated stacks)', () => withSamples(readPstats(fixture('pstats/recursion.prof')))],
  [
    'callgrind (estimated stacks)',
    () => withSamples(readCallgrind(fixture('callgrind/rec-instr.callgrind'))[0]),
  ],
  ['speedscope', () => readSpeedscope(fixture('speedscope/perf-script.speedscope.json'))[0]],
]

describe('flame graph boxes against the folded output of the same profile', () => {
  test.each(FIXTURES)('%s: every stack prefix is one box of its folded total', (_name, read) => {
    const profile = read()
    // Folded writes times with fractions in whole nanoseconds; as counts, the values as they
    // are, which the boxes must equal exactly.
    const asCounts = { ...profile, metrics: profile.metrics.map((m) => ({ ...m, unit: 'count' })) }
    const { prefixes, total } = foldedPrefixes(writeFolded(asCounts))
    const { boxes } = parseBoxes(writeFlamegraph(profile, { minwidth: 0 }))
    expect(boxes[0].label).toBe('all')
    expect(close(boxes[0].w, total)).toBe(true)
    // Every box is a prefix with its folded sum, and every prefix with a positive sum is a box.
    let drawn = 0
    for (const box of boxes.slice(1)) {
      const key = box.path.slice(1).join(';')
      expect([key, close(box.w, prefixes.get(key) ?? NaN)]).toEqual([key, true])
      drawn++
    }
    expect(drawn).toBe([...prefixes.values()].filter((v) => v > 0).length)
    // Children never overflow their parent, and the drawing's widths are the values' shares.
    for (const box of boxes) {
      expect(Math.abs(box.rectWidth - (box.w / total) * 1180)).toBeLessThan(0.006)
      expect(Math.abs(box.rectX - 10 - (box.x / total) * 1180)).toBeLessThan(0.006)
    }
  })

  test('the subtitle says when stacks were estimated from a call graph', () => {
    const estimated = writeFlamegraph(withSamples(readPstats(fixture('pstats/recursion.prof'))))
    expect(estimated).toMatch(/class="fg-subtitle"[^>]*>Stacks estimated from a call graph/)
    expect(writeFlamegraph(readPprof(fixture('pprof/cpu.pb.gz')))).not.toMatch(/estimated/)
  })

  test('titles read name (value unit, share)', () => {
    const svg = writeFlamegraph(readPprof(fixture('pprof/cpu.pb.gz')))
    expect(svg).toMatch(/<title>all \(660 ms, 100\.00%\)<\/title>/)
    const heap = writeFlamegraph(readPprof(fixture('pprof/heap.pb.gz')), {
      metric: 'alloc_objects',
    })
    expect(heap).toMatch(/<title>all \([\d,]+ alloc_objects, 100\.00%\)<\/title>/)
    const counts = writeFlamegraph(
      stacksProfile([
        [['a', 'b'], 1234],
        [['a'], 1],
      ]),
    )
    expect(counts).toContain('<title>a (1,235 samples, 100.00%)</title>')
    expect(counts).toContain('<title>b (1,234 samples, 99.92%)</title>')
  })
})

describe('options', () => {
  const profile = () =>
    stacksProfile([
      [['main', 'parse', 'lex'], 30],
      [['main', 'parse'], 10],
      [['main', 'eval', 'lex'], 20],
      [['main'], 40],
    ])

  test('--reverse draws stacks leaf first, merged by the function that spent', () => {
    const { boxes } = parseBoxes(writeFlamegraph(profile(), { reverse: true }))
    const paths = Object.fromEntries(boxes.map((b) => [b.path.join(';'), b.w]))
    expect(paths).toEqual({
      all: 100,
      'all;lex': 50,
      'all;lex;parse': 30,
      'all;lex;parse;main': 30,
      'all;lex;eval': 20,
      'all;lex;eval;main': 20,
      'all;parse': 10,
      'all;parse;main': 10,
      'all;main': 40,
    })
  })

  test('--inverted puts the root at the top; --title names the graph', () => {
    const flame = parseBoxes(writeFlamegraph(profile())).boxes
    const icicle = writeFlamegraph(profile(), { inverted: true, title: 'Mine' })
    const boxes = parseBoxes(icicle).boxes
    expect(boxes[0].y).toBeLessThan(boxes[1].y)
    expect(flame[0].y).toBeGreaterThan(flame[1].y)
    expect(icicle).toContain('>Mine</text>')
    expect(writeFlamegraph(profile(), { inverted: true })).toContain('>Icicle Graph</text>')
  })

  test('siblings are ordered by name', () => {
    const { boxes } = parseBoxes(writeFlamegraph(profile()))
    const under = boxes.filter((b) => b.path.length === 3).map((b) => b.label)
    expect(under).toEqual(['eval', 'parse'])
    const eval_ = boxes.find((b) => b.label === 'eval')!
    const parse = boxes.find((b) => b.label === 'parse')!
    expect(parse.x).toBe(eval_.x + eval_.w)
  })

  test('boxes under --minwidth merge into one box per parent; their children are not drawn', () => {
    const stacks: [string[], number][] = [[['main', 'big'], 100000]]
    for (let i = 0; i < 2000; i++) stacks.push([['main', `small${i}`, 'leaf'], 1])
    const profile = stacksProfile(stacks)
    const { boxes } = parseBoxes(writeFlamegraph(profile))
    // 0.1 px of 1180 px of 102000 is ~8.6: every small function is narrower.
    expect(boxes.map((b) => b.label).sort()).toEqual([
      '2000 functions narrower than 0.1 px',
      'all',
      'big',
      'main',
    ])
    const merged = boxes.find((b) => b.merged)!
    expect(merged.merged).toBe(true)
    expect(merged.w).toBe(2000)
    expect(merged.x).toBe(100000)
    expect(merged.fill).toBe('rgb(200,200,200)')
    // With no minimum every function is drawn.
    expect(parseBoxes(writeFlamegraph(profile, { minwidth: 0 })).boxes).toHaveLength(3 + 2 * 2000)
  })

  test('colours are deterministic by name and follow the palette', () => {
    const fills = (colors: string) => {
      const boxes = parseBoxes(writeFlamegraph(profile(), { colors })).boxes
      return Object.fromEntries(boxes.map((b) => [b.label, b.fill]))
    }
    const hot = fills('hot')
    expect(fills('hot')).toEqual(hot)
    // Both boxes of 'lex' (under parse and under eval) share one colour.
    const svg = writeFlamegraph(profile())
    const lex = parseBoxes(svg).boxes.filter((b) => b.label === 'lex')
    expect(lex).toHaveLength(2)
    expect(lex[0].fill).toBe(lex[1].fill)
    const channels = (fill: string) => fill.match(/\d+/g)!.map(Number)
    for (const [name, fill] of Object.entries(hot)) {
      if (name === 'all') continue
      const [r, , b] = channels(fill)
      expect(r).toBeGreaterThanOrEqual(205)
      expect(b).toBeLessThanOrEqual(55)
    }
    for (const fill of Object.values(fills('mem')).slice(1)) expect(channels(fill)[0]).toBe(0)
    for (const fill of Object.values(fills('io')).slice(1)) {
      const [r, g, b] = channels(fill)
      expect(r).toBe(g)
      expect(b).toBeGreaterThan(r)
    }
    expect(() => writeFlamegraph(profile(), { colors: 'rainbow' })).toThrow(/unknown colour scheme/)
  })

  test('lang colours by the language a frame belongs to', () => {
    const frames = new FrameTable()
    const builder = new SamplesBuilder(1)
    const py = frames.intern({ name: 'handler', file: 'app/views.py' })
    const py2 = frames.intern({ name: 'render', file: 'app/tpl.py' })
    const js = frames.intern({ name: 'parse', file: 'lib/parse.js' })
    builder.addStack([py, py2], [5])
    builder.addStack([py, js], [5])
    const profile: Profile = {
      metrics: [{ name: 'samples', unit: 'count' }],
      defaultMetric: 0,
      frames,
      samples: builder.finish(),
      meta: newMeta('speedscope'),
    }
    const { boxes } = parseBoxes(writeFlamegraph(profile, { colors: 'lang' }))
    const fill = (name: string) =>
      boxes
        .find((b) => b.label.startsWith(name))!
        .fill.match(/\d+/g)!
        .map(Number)
    // Python frames are blue (b highest), JavaScript yellow (r and g above b).
    for (const name of ['handler', 'render']) {
      const [r, g, b] = fill(name)
      expect(b).toBeGreaterThan(Math.max(r, g))
    }
    const [r, g, b] = fill('parse')
    expect(Math.min(r, g)).toBeGreaterThan(b)
  })

  test('--metric picks the metric; a bad one fails clearly', () => {
    const heap = readPprof(fixture('pprof/heap.pb.gz'))
    const m = heap.metrics.findIndex((x) => x.name === 'inuse_space')
    const total = heap.samples!.values[m].reduce((a, b) => a + b, 0)
    const { boxes } = parseBoxes(writeFlamegraph(heap, { metric: 'inuse_space' }))
    expect(close(boxes[0].w, total)).toBe(true)
    expect(() => writeFlamegraph(heap, { metric: 'nope' })).toThrow(/no metric 'nope'/)
  })

  test('--compare: widths from this profile, data-b the base, red where it grew, blue where it shrank', () => {
    const after = stacksProfile([
      [['main', 'grew'], 60],
      [['main', 'shrank'], 10],
      [['main', 'same'], 30],
    ])
    const before = stacksProfile([
      [['main', 'grew'], 20],
      [['main', 'shrank'], 50],
      [['main', 'same'], 30],
      [['main', 'gone'], 5],
    ])
    const svg = writeFlamegraph(after, { base: before })
    expect(svg).toContain('Differential: widths from this profile')
    const { boxes } = parseBoxes(svg)
    const by = Object.fromEntries(boxes.map((b) => [b.label, b]))
    expect(Object.keys(by)).toEqual(['all', 'main', 'grew', 'same', 'shrank'])
    expect([by.grew.w, by.grew.base, by.shrank.base, by.same.base]).toEqual([60, 20, 50, 30])
    expect(by.grew.fill).toBe('rgb(255,0,0)')
    expect(by.shrank.fill).toBe('rgb(0,0,255)')
    expect(by.same.fill).toBe('rgb(250,250,250)')
    expect(by.grew.title).toContain('+40.00% of total vs base')
    // Units that do not convert: the base is scaled to this total, and a note says so.
    const bytes = stacksProfile([[['main', 'grew'], 20]], 'samples')
    bytes.metrics[0] = { name: 'samples', unit: 'bytes' }
    const scaled = writeFlamegraph(after, { base: bytes })
    expect(after.meta.notes.join('\n')).toMatch(/do not convert; the base was scaled/)
    expect(parseBoxes(scaled).boxes.find((b) => b.label === 'grew')!.base).toBe(100)
  })

  test('negative values are left out with a note; an empty profile draws an empty graph', () => {
    const profile = stacksProfile([
      [['a'], 5],
      [['b'], -3],
    ])
    const { boxes } = parseBoxes(writeFlamegraph(profile))
    expect(boxes.map((b) => [b.label, b.w])).toEqual([
      ['all', 5],
      ['a', 5],
    ])
    expect(profile.meta.notes).toContain(
      'flamegraph: 1 sample value(s) that were negative or not finite were left out',
    )
    expect(parseBoxes(writeFlamegraph(stacksProfile([]))).boxes).toEqual([])
  })
})

describe('names are data', () => {
  const HOSTILE = [
    ...HOSTILE_NAMES,
    ']]><script>alert(3)</script><![CDATA[',
    `"quotes' & amp;`,
    'ctl\u0000\u0001\u0008\u000b\u001b\u007f end',
    'lone \ud800 surrogate',
  ]

  test('hostile names are well-formed text in titles and labels', () => {
    const profile = stacksProfile(HOSTILE.map((name, i) => [['main', name], i + 1]))
    const svg = writeFlamegraph(profile, { title: '<b>title</b>' })
    const { boxes } = parseBoxes(svg)
    const labels = boxes.slice(2).map((b) => b.label)
    const shown = (name: string) =>
      name
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) =>
          String.fromCharCode(0x2400 + c.charCodeAt(0)),
        )
        .replace('\u007f', '\u2421')
        .replace('\ud800', '\ufffd')
    expect(labels.sort()).toEqual(HOSTILE.map(shown).sort())
    // The only script is ours, and no markup of a name became an element.
    expect(svg.match(/<script/g)).toHaveLength(1)
    expect(svg).not.toMatch(/<img|<b>/)
  })
})

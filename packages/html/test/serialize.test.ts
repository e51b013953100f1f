import {
  FrameTable,
  GraphBuilder,
  PositionBuilder,
  dumpGraph,
  newMeta,
  dumpStacks,
  graphOf,
  positionsOf,
  withGraph,
  type Profile,
} from '@profconv/model'
import { readPstats } from '@profconv/pstats'
import { readPprof } from '@profconv/pprof'
import { readCallgrind } from '@profconv/callgrind'
import { fixture } from '@profconv/testkit'
import { decodeProfile, encodeProfile, writeHtml } from '../src/index.js'
import { MAX_LINE_ROWS } from '../src/serialize.js'
import { functionLines } from '../src/lines.js'

const roundTrip = (p: Profile) => decodeProfile(JSON.parse(JSON.stringify(encodeProfile(p))))

describe('the profile inside the report', () => {
  test.each([
    ['pstats', () => readPstats(fixture('pstats/recursion.prof'))],
    ['callgrind', () => readCallgrind(fixture('callgrind/rec-instr.callgrind'))[0]],
    ['pprof', () => readPprof(fixture('pprof/heap.pb.gz'))],
  ])('%s: stacks and call graph come back the same', (_name, read) => {
    const profile = read()
    const back = roundTrip(profile)
    expect(dumpStacks(back)).toBe(dumpStacks(profile))
    expect(dumpGraph(back)).toBe(dumpGraph(profile))
    expect(back.metrics).toEqual(profile.metrics)
    expect(back.meta.notes).toEqual(profile.meta.notes)
  })

  test.each([
    ['callgrind', () => readCallgrind(fixture('callgrind/inlined-O2.callgrind'))[0]],
    ['pprof', () => readPprof(fixture('pprof/cpu.pb.gz'))],
  ])('%s: every function’s costs per line come back the same', (_name, read) => {
    const profile = read()
    const detail = positionsOf(profile)!
    expect(detail.hasLines).toBe(true)
    const back = roundTrip(profile).positions!
    let rows = 0
    for (const node of graphOf(profile).nodes) {
      for (let m = 0; m < profile.metrics.length; m++) {
        const want = functionLines(detail, node.frame, m)
        rows += want.length
        expect(functionLines(back, node.frame, m)).toEqual(want)
      }
    }
    expect(rows).toBeGreaterThan(10)
  })

  test('past MAX_LINE_ROWS rows, the functions of most inclusive cost keep their lines', () => {
    const frames = new FrameTable()
    const graph = new GraphBuilder(1)
    const rows = new PositionBuilder(1)
    const file = rows.file('big.c')
    const n = Math.ceil((1.05 * MAX_LINE_ROWS) / 100)
    for (let i = 0; i < n; i++) {
      const f = frames.intern({ name: `f${i}`, file: 'big.c' })
      const node = graph.node(f)
      node.self[0] = node.total[0] = 100 * (i + 1)
      for (let line = 1; line <= 100; line++) rows.addSelf(f, file, line, 0, 0, [i + 1])
    }
    const profile = {
      metrics: [{ name: 'Ir', unit: 'count' }],
      defaultMetric: 0,
      frames,
      graph: graph.finish(),
      positions: rows.finish(),
      meta: newMeta('callgrind'),
    }
    const back = roundTrip(profile).positions!
    const kept = new Set(back.lines.frame)
    expect(back.lines.length).toBeLessThanOrEqual(MAX_LINE_ROWS)
    expect(kept.size).toBe(MAX_LINE_ROWS / 100)
    // The heaviest functions, each with all its lines.
    expect(kept.has(n - 1)).toBe(true)
    expect(kept.has(0)).toBe(false)
    expect(functionLines(back, n - 1, 0)).toEqual(functionLines(profile.positions, n - 1, 0))
    const k = MAX_LINE_ROWS / 100
    expect(profile.meta.notes.at(-1)).toBe(
      `the report keeps the costs per line of the ${k} functions of most inclusive Ir (${MAX_LINE_ROWS} of ${n * 100} rows of line detail), not those of the other ${n - k}: -t list or -t callgrind show every line`,
    )
  })

  test('a profile without lines carries no position detail', () => {
    expect(encodeProfile(readPstats(fixture('pstats/recursion.prof'))).positions).toBeUndefined()
  })

  test('hostile names stay data: no markup or script end in the page', () => {
    const profile = withGraph(readPstats(fixture('pstats/recursion.prof')))
    const frames = profile.frames.frames as { name: string }[]
    frames[0].name = '</script><script>alert(1)</script><!--'
    frames[1].name = '<img src=x onerror=alert(2)>\u2028'
    const html = writeHtml(profile, { title: '</title><script>alert(3)</script>' })
    expect(html.match(/<\/script/gi)).toHaveLength(4)
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<!--')
    expect(html).toContain(
      '<title>&#60;/title&#62;&#60;script&#62;alert(3)&#60;/script&#62;</title>',
    )
    const json = html.match(
      /<script type="application\/json" id="profconv-data">(.*?)<\/script>/s,
    )![1]
    expect(JSON.parse(json).frames[0].name).toBe(frames[0].name)
  })
})

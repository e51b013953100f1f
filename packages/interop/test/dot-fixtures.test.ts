import { readdirSync, readFileSync } from 'node:fs'
import { XMLParser } from 'fast-xml-parser'
import { getFormat, prepareFor, readInput } from '@profconv/core'
import { graphComponents, graphOf, mergeProfiles, type Profile } from '@profconv/model'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'

/** Every profile fixture of the readable formats (not the oracle readings or sources beside them). */
const FIXTURES: string[] = (
  [
    ['pstats', /\.prof$/],
    ['callgrind', /\.callgrind$/],
    ['pprof', /\.pb\.gz$/],
    ['speedscope', /\.json$/],
    ['folded', /\.(folded|txt)$/],
    ['cpuprofile', /\.cpuprofile$/],
  ] as const
).flatMap(([dir, pattern]) =>
  readdirSync(fixturePath(dir))
    .filter((name) => pattern.test(name))
    .map((name) => `${dir}/${name}`),
)

const dotFormat = getFormat('dot')
const svgFormat = getFormat('svg')

/** The registry's path, as the CLI takes it: read, merge, prepare for the writer. */
function load(rel: string, writer = dotFormat): Profile {
  const { profiles } = readInput(fixture(rel), { fileName: rel })
  return prepareFor(writer, mergeProfiles(profiles))
}

/** The drawn boxes of dot output, by node id (the frame id): their label lines. */
function boxes(dot: string): Map<number, string[]> {
  const out = new Map<number, string[]>()
  for (const [, id, label] of dot.matchAll(/^\t(\d+) \[.*?label="((?:[^"\\]|\\.)*)"/gm))
    out.set(Number(id), label.split('\\n'))
  return out
}

test('the fixture list covers every format', () => {
  for (const dir of ['pstats', 'callgrind', 'pprof', 'speedscope', 'folded', 'cpuprofile'])
    expect(FIXTURES.some((f) => f.startsWith(`${dir}/`))).toBe(true)
  expect(FIXTURES.length).toBeGreaterThan(30)
})

describeWithTool('dot', 'every fixture through read → prepareFor → dot', () => {
  test.each(FIXTURES)('%s draws a graph the real dot lays out', (rel) => {
    const dot = dotFormat.write!(load(rel), {}) as string
    expect(boxes(dot).size).toBeGreaterThan(0)
    const svg = run('dot', ['-Tsvg'], { input: dot })
    expect(svg).toContain('<svg')
    expect(svg.match(/<g id="node\d+" class="node">/g)?.length).toBe(boxes(dot).size)
  })
})

describe('-t svg (the bundled Graphviz) on every fixture', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' })
  const classes = (tree: unknown, found: string[] = []): string[] => {
    if (Array.isArray(tree)) tree.forEach((t) => classes(t, found))
    else if (tree && typeof tree === 'object')
      for (const [key, value] of Object.entries(tree)) {
        if (key === 'g')
          for (const g of [value].flat()) found.push((g as { class?: string }).class ?? '')
        classes(value, found)
      }
    return found
  }
  test.each(FIXTURES)('%s is XML with one <g class="node"> per drawn box', (rel) => {
    const svg = svgFormat.write!(load(rel, svgFormat), {}) as string
    // svg draws what dot draws, with its cap of heaviest functions.
    const dot = dotFormat.write!(load(rel), { nodeCount: 200 }) as string
    const tree = parser.parse(svg)
    expect(tree.svg).toBeDefined()
    const found = classes(tree.svg)
    expect(found.filter((c) => c === 'node').length).toBe(boxes(dot).size)
    expect(found.filter((c) => c === 'node').length).toBeGreaterThan(0)
  })
})

/**
 * A callgrind_annotate table (run with `--show-percs=no --threshold=100`): the first shown
 * event, its PROGRAM TOTALS, and each function's cost of that event summed over its rows
 * (annotate gives a row per file:function, so a function with code inlined from headers has
 * several) with the number of rows.
 */
function readAnnotate(text: string) {
  const lines = text.split('\n')
  const events = lines
    .find((l) => l.startsWith('Events shown:'))!
    .slice(13)
    .trim()
    .split(/\s+/)
  const figure = (t: string) => (t === '.' ? 0 : Number(t.replace(/,/g, '')))
  const total = figure(
    lines
      .find((l) => l.includes('PROGRAM TOTALS'))!
      .trim()
      .split(/\s+/)[0],
  )
  const cost = new Map<string, number>()
  const rows = new Map<string, number>()
  const header = lines.findIndex((l) => l.endsWith('file:function'))
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === '') break
    const tokens = line.trim().split(/\s+/)
    // After the figures: "file:function [object]", the file holding no ':'.
    const rest = tokens.slice(events.length).join(' ')
    let name = rest.slice(rest.indexOf(':') + 1)
    if (name.endsWith(']')) name = name.slice(0, name.lastIndexOf(' ['))
    cost.set(name, (cost.get(name) ?? 0) + figure(tokens[0]))
    rows.set(name, (rows.get(name) ?? 0) + 1)
  }
  return { event: events[0], total, cost, rows }
}

describe('callgrind boxes agree with callgrind_annotate', () => {
  // Left out where callgrind_annotate's own percentages are not of the program total:
  // rec-parts (a --dump-before file: its PROGRAM TOTALS is the first part's summary while the
  // rows sum every part) and pprof.callgrind (go tool pprof writes calls=0 on every arc, which
  // annotate adds to the caller's self, and it computes its PROGRAM TOTALS from those). The
  // callgrind reader's tests compare those two files with annotate, correcting for both.
  const files = FIXTURES.filter(
    (f) => f.endsWith('.callgrind') && !f.includes('rec-parts') && !f.includes('pprof.'),
  )
  test.each(files)('%s: self and total % of the top functions outside recursion', (rel) => {
    const stem = fixturePath(rel).replace(/\.callgrind$/, '')
    const self = readAnnotate(readFileSync(`${stem}.self.txt`, 'utf8'))
    const inclusive = readAnnotate(readFileSync(`${stem}.inclusive.txt`, 'utf8'))
    // Without a summary line annotate sums its own column: the self table's sum is the total.
    const total = self.total
    const profile = load(rel)
    const drawn = boxes(dotFormat.write!(profile, { metric: self.event }) as string)
    const graph = graphOf(profile)

    // Left out, as the callgrind reader's own tests do: functions in recursion (callgrind counts
    // recursive calls again in inclusive cost), names several functions share (annotate
    // merges them, we draw them apart), the self of callers of calls=0 arcs (annotate adds the
    // arc's cost to it) and the total of their callees (annotate skips the arc for it).
    const skip = new Set<string>()
    const skipSelf = new Set<string>()
    const skipTotal = new Set<string>()
    const component = graphComponents(graph)
    const size = new Map<number, number>()
    for (const c of component.values()) size.set(c, (size.get(c) ?? 0) + 1)
    const name = (frame: number) => profile.frames.get(frame).name
    for (const [frame, c] of component) if (size.get(c)! > 1) skip.add(name(frame))
    for (const e of graph.edges) {
      if (e.caller === e.callee) skip.add(name(e.caller))
      if (e.calls === undefined) {
        skipSelf.add(name(e.caller))
        skipTotal.add(name(e.callee))
      }
    }
    // Functions declared without any cost (yappi lists each under another file too) are not
    // the function a name stands for.
    const costed = new Set(
      graph.nodes.filter((n) => n.total.some((v) => v !== 0)).map((n) => n.frame),
    )
    const frameOf = new Map<string, number | undefined>()
    for (let id = 0; id < profile.frames.length; id++) {
      if (!costed.has(id)) continue
      const n = name(id)
      frameOf.set(n, frameOf.has(n) ? undefined : id)
    }

    let checked = 0
    const check = (table: typeof self, which: 'self' | 'total') => {
      const top = [...table.cost].sort((a, b) => b[1] - a[1]).slice(0, 12)
      for (const [fname, cost] of top) {
        const frame = frameOf.get(fname)
        if (frame === undefined || skip.has(fname) || fname.includes("'")) continue
        if ((which === 'self' ? skipSelf : skipTotal).has(fname)) continue
        if (which === 'total' && table.rows.get(fname) !== 1) continue
        const expected = (Math.min(cost, total) / total) * 100
        if (expected < 0.5) continue // below the node threshold: not drawn
        const label = drawn.get(frame) ?? []
        const text =
          which === 'total'
            ? label.find((l) => /^\d+\.\d\d%$/.test(l))
            : label.find((l) => /^\(\d+\.\d\d%\)$/.test(l))?.slice(1, -1)
        expect({ function: fname, which, percent: text }).toEqual({
          function: fname,
          which,
          percent: `${expected.toFixed(2)}%`,
        })
        checked++
      }
    }
    check(self, 'self')
    check(inclusive, 'total')
    expect(checked).toBeGreaterThanOrEqual(3)
  })
})

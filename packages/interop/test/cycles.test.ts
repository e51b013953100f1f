import { readdirSync, readFileSync } from 'node:fs'
import { convert, getFormat, prepareFor, readInput } from '@profconv/core'
import {
  FrameTable,
  GraphBuilder,
  graphOf,
  mergeProfiles,
  newMeta,
  samplesToGraph,
  type Profile,
} from '@profconv/model'
import { fixture, fixturePath } from '@profconv/testkit'

/**
 * Real programs whose functions mostly sit in one big call cycle (scripts/
 * fixtures-callgrind-cycles.sh): drawn and estimated against the real tools' readings of the
 * same files — gprof2dot's drawing (its box totals, recorded beside each fixture) and
 * callgrind_annotate --inclusive=yes.
 */
const PROGRAMS = [
  ['rdparser', 'main'],
  ['cpython-json', 'Py_BytesMain'],
] as const

/** `name → total %` of the boxes of a dot drawing (the line before the total is the name). */
function boxes(dot: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const [, label] of dot.matchAll(/^\t\d+ \[.*?label="((?:[^"\\]|\\.)*)"/gm)) {
    const lines = label.split('\\n')
    const at = lines.findIndex((l) => /^~?\d+\.\d\d%$/.test(l))
    if (at > 0) out.set(lines[at - 1], Number(lines[at].replace(/[~%]/g, '')))
  }
  return out
}

/** `caller -> callee` (box names) → the arrow's label, of a dot drawing. */
function arrows(dot: string): Map<string, string> {
  const names = new Map<string, string>()
  for (const [, id, label] of dot.matchAll(/^\s+(\d+) \[.*?label="((?:[^"\\]|\\.)*)"/gm)) {
    const lines = label.split('\\n')
    names.set(id, lines[lines.findIndex((l) => /^~?\d+\.\d\d%$/.test(l)) - 1])
  }
  const out = new Map<string, string>()
  for (const [, a, b, label] of dot.matchAll(/^\s+(\d+) -> (\d+) \[.*?label="([^"]*)"/gm))
    out.set(`${names.get(a)} -> ${names.get(b)}`, label)
  return out
}

/** gprof2dot's reading: `name<TAB>total%` per drawn box. */
function gprof2dot(name: string): Map<string, number> {
  const text = readFileSync(fixturePath(`callgrind/${name}.gprof2dot.txt`), 'utf8')
  return new Map(
    text
      .trim()
      .split('\n')
      .map((l) => l.split('\t'))
      .map(([n, v]) => [n, Number(v.replace('%', ''))]),
  )
}

/** callgrind_annotate's inclusive cost of a function and its PROGRAM TOTALS. */
function annotated(name: string, fn: string): number {
  const text = readFileSync(fixturePath(`callgrind/${name}.inclusive.txt`), 'utf8')
  const figure = (pattern: RegExp) => Number(pattern.exec(text)![1].replace(/,/g, ''))
  return (
    figure(new RegExp(`^\\s*([\\d,]+)\\s+\\S*:${fn} `, 'm')) / figure(/^([\d,]+)\s+PROGRAM TOTALS/m)
  )
}

describe.each(PROGRAMS)('%s.callgrind (one big call cycle)', (name, entry) => {
  const bytes = fixture(`callgrind/${name}.callgrind`)
  const theirs = gprof2dot(name)

  test('-t dot draws what gprof2dot draws: boxes, hot boxes, names, totals', () => {
    const { output, notes } = convert(bytes, { to: 'dot' })
    const ours = boxes(output as string)
    expect(notes.join('\n')).toMatch(/estimated totals/)
    expect(output).toMatch(/subgraph cluster_cycle1/)
    expect(output).toMatch(/label="~ estimated total/)
    expect(Math.abs(ours.size - theirs.size)).toBeLessThanOrEqual(theirs.size * 0.25)
    const hot = (m: Map<string, number>) => [...m.values()].filter((v) => v >= 90).length
    expect(hot(ours)).toBeLessThanOrEqual(2 * hot(theirs))
    const common = [...theirs.keys()].filter((n) => ours.has(n))
    expect(common.length).toBeGreaterThanOrEqual(theirs.size * 0.8)
    const close = common.filter((n) => Math.abs(ours.get(n)! - theirs.get(n)!) <= 2)
    expect(close.length).toBeGreaterThanOrEqual(common.length * 0.8)
    for (const v of ours.values()) expect(v).toBeLessThanOrEqual(100)
  })

  test('--node-count keeps the heaviest boxes of -t dot with the same figures and calls', () => {
    const full = convert(bytes, { to: 'dot' }).output as string
    const all = boxes(full)
    const { output, notes } = convert(bytes, { to: 'dot', nodeCount: 20 })
    const dot = output as string
    const kept = boxes(dot)
    expect(dot.match(/^\s+\d+ \[/gm)).toHaveLength(20)
    expect(notes.join('\n')).toMatch(/kept the 20 heaviest/)
    const heaviest = [...all.values()].sort((a, b) => b - a)[19]
    for (const [fn, total] of kept) {
      expect(total).toBe(all.get(fn))
      expect(total).toBeGreaterThanOrEqual(heaviest)
    }
    // Its calls are those -t dot draws between the kept functions, with the same labels.
    const calls = arrows(dot)
    expect(calls.size).toBeGreaterThanOrEqual(15)
    const fullCalls = arrows(full)
    for (const [pair, label] of calls) expect(fullCalls.get(pair)).toBe(label)
  })

  test.each(['pprof', 'speedscope'])(
    '-t %s: the entry’s share is callgrind_annotate’s, self exact, totals near gprof2dot’s',
    (to) => {
      const [source] = readInput(bytes).profiles
      const graph = graphOf(source)
      const grand = graph.nodes.reduce((s, n) => s + n.self[0], 0)
      const { output } = convert(bytes, { to })
      const out = typeof output === 'string' ? new TextEncoder().encode(output) : output
      const back = mergeProfiles(readInput(out).profiles)
      const derived = samplesToGraph(back.samples!, back.metrics.length)
      const byName = new Map<string, { self: number; total: number }>()
      for (const n of derived.nodes) {
        const key = back.frames.get(n.frame).name
        const seen = byName.get(key) ?? { self: 0, total: 0 }
        byName.set(key, { self: seen.self + n.self[0], total: Math.max(seen.total, n.total[0]) })
      }
      const share = (fn: string) => byName.get(fn)!.total / grand
      expect(Math.abs(share(entry) - annotated(name, entry))).toBeLessThanOrEqual(0.01)
      // Self exact (pprof holds integers: at most rounding per stack).
      const selfOf = new Map<string, number>()
      for (const n of graph.nodes) {
        const key = source.frames.get(n.frame).name
        selfOf.set(key, (selfOf.get(key) ?? 0) + n.self[0])
      }
      for (const [fn, self] of selfOf)
        expect(Math.abs((byName.get(fn)?.self ?? 0) - self)).toBeLessThanOrEqual(grand * 1e-4)
      const near = [...theirs].filter(([fn, v]) => Math.abs(share(fn) * 100 - v) <= 5)
      expect(near.length).toBeGreaterThanOrEqual(theirs.size * 0.9)
    },
  )
})

describe('no share above 100 % (pstats ct can exceed total_tt)', () => {
  /** Deterministic PRNG (mulberry32). */
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** Every share printed (not --compare's signed changes, which may pass 100 %). */
  const shares = (text: string) =>
    [...text.matchAll(/(?<![-+±\d.])(\d+(?:\.\d+)?)%/g)].map((m) => Number(m[1]))

  /** A pstats-like profile: seconds, some cumulative times above the sum of all tt. */
  function pstatsProfile(seed: number): Profile {
    const rand = random(seed)
    const frames = new FrameTable()
    const graph = new GraphBuilder(1)
    const count = 2 + Math.floor(rand() * 8)
    const ids = Array.from({ length: count }, (_, i) =>
      frames.intern({ name: `f${i}`, file: 'app.py', line: i + 1 }),
    )
    let tt = 0
    for (const id of ids) {
      const node = graph.node(id)
      node.self[0] = rand() * 0.01
      tt += node.self[0]
    }
    for (const id of ids) {
      // ct up to 1.5 × total_tt: a re-entered exec, timer granularity.
      graph.node(id).total[0] = graph.node(id).self[0] + rand() * 1.5 * tt
      graph.node(id).calls = 1 + Math.floor(rand() * 5)
    }
    for (let e = 0; e < count * 2; e++) {
      const a = ids[Math.floor(rand() * count)]
      const b = ids[Math.floor(rand() * count)]
      graph.edge(a, b).total[0] = graph.node(b).total[0] * rand()
      graph.edge(a, b).calls = 1
    }
    const meta = newMeta('pstats')
    return {
      metrics: [{ name: 'time', unit: 'seconds' }],
      defaultMetric: 0,
      frames,
      graph: graph.finish(),
      meta,
    }
  }

  test('random pstats profiles with ct > total_tt: dot and top never print above 100 %', () => {
    let above = 0
    for (let seed = 1; seed <= 150; seed++) {
      const profile = pstatsProfile(seed)
      const tt = profile.graph!.nodes.reduce((s, n) => s + n.self[0], 0)
      if (profile.graph!.nodes.some((n) => n.total[0] > tt)) above++
      for (const [to, options] of [
        ['dot', {}],
        ['dot', { nodeThres: 0, edgeThres: 0 }],
        ['dot', { nodeCount: 3 }],
        ['dot', { base: pstatsProfile(seed + 1000) }],
        ['top', {}],
      ] as const) {
        const text = getFormat(to).write!(prepareFor(getFormat(to), profile), options) as string
        for (const share of shares(text)) expect(share).toBeLessThanOrEqual(100)
      }
    }
    expect(above).toBeGreaterThan(100)
  })

  test('-t svg of such a profile shows no share above 100 %', () => {
    const profile = pstatsProfile(7)
    const svg = getFormat('svg').write!(prepareFor(getFormat('svg'), profile), {}) as string
    expect(svg).toContain('<svg')
    for (const share of shares(svg)) expect(share).toBeLessThanOrEqual(100)
  })

  test('every pstats fixture: dot and top print no share above 100 %', () => {
    const dir = fixturePath('pstats')
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.prof'))) {
      for (const to of ['dot', 'top']) {
        const { output } = convert(fixture(`pstats/${file}`), { to })
        for (const share of shares(output as string)) expect(share).toBeLessThanOrEqual(100)
      }
    }
  })
})

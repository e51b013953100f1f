import { ProfconvError, graphOf, type Profile } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { UNACCOUNTED, readV8Prof, sniffV8Prof } from '../src/index.js'

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

/**
 * Self ticks per function from `node --prof-process`'s own report of the same log (saved by
 * scripts/fixtures-v8.mjs): the [Shared libraries], [JavaScript] and [C++] rows, JavaScript
 * tiers (`*` optimised, `^` Sparkplug, `+` Maglev, `~` interpreted) summed per function, and
 * the summary's Unaccounted.
 */
function profProcess(text: string): Map<string, number> {
  const out = new Map<string, number>()
  let section = ''
  for (const line of text.split('\n')) {
    const header = /^ \[(.*)\]:$/.exec(line)
    if (header) {
      section = header[1]
      continue
    }
    if (section === 'Summary') {
      const u = /^\s+(\d+)\s.*Unaccounted$/.exec(line)
      if (u) out.set(UNACCOUNTED, Number(u[1]))
      continue
    }
    if (!['Shared libraries', 'JavaScript', 'C++'].includes(section)) continue
    const row = /^\s+(\d+)\s+[\d.]+%\s+(?:[\d.]+%)?\s+(.*)$/.exec(line)
    if (!row) continue
    // (an empty function name prints as <anonymous>; profconv names it (anonymous), as for
    // .cpuprofile)
    const name = row[2].replace(/^JS: [*^+~]?/, '').replace(/^<anonymous> /, '(anonymous) ')
    out.set(name, (out.get(name) ?? 0) + Number(row[1]))
  }
  return out
}

function selfTicks(p: Profile): Map<string, number> {
  const out = new Map<string, number>()
  for (const n of graphOf(p).nodes) {
    if (n.self[0] === 0) continue
    const f = p.frames.get(n.frame)
    const key = f.file !== undefined ? `${f.name} ${f.file}:${f.line}:${f.column}` : f.name
    out.set(key, (out.get(key) ?? 0) + n.self[0])
  }
  return out
}

describe('node --prof → --prof-process --preprocess of a real script', () => {
  const profile = readV8Prof(fixture('v8-prof/workload.preprocess.json.gz'))
  const expected = profProcess(
    new TextDecoder().decode(fixture('v8-prof/workload.prof-process.txt')),
  )

  test('self ticks per function equal what --prof-process reports (tiers summed)', () => {
    expect(
      expected.get('sieve file:///work/wt/chrome/test-data/cpuprofile/workload.js:9:15'),
    ).toBeGreaterThan(0)
    expect(selfTicks(profile)).toEqual(expected)
  })

  test('every tick is a sample with its time and VM state; GC ticks as --prof-process counts them', () => {
    const header = /\((\d+) ticks, (\d+) unaccounted/.exec(
      new TextDecoder().decode(fixture('v8-prof/workload.prof-process.txt')),
    )!
    const s = profile.samples!
    expect(s.stack.length).toBe(Number(header[1]))
    const gc = s.labels!.filter((l) => l?.[0].str === 'GC').length
    const summaryGc = /^\s+(\d+)\s.*\sGC$/m.exec(
      new TextDecoder().decode(fixture('v8-prof/workload.prof-process.txt')),
    )!
    expect(gc).toBe(Number(summaryGc[1]))
    expect(s.time![s.time!.length - 1]).toBeGreaterThan(s.time![0])
  })

  test('callers come from the stack: sieve is called from main', () => {
    const g = graphOf(profile)
    const name = (i: number) => profile.frames.get(i).name
    expect(g.edges.some((e) => name(e.caller) === 'main' && name(e.callee) === 'sieve')).toBe(true)
  })
})

describe('errors and sniffing', () => {
  test('bad input is a ProfconvError', () => {
    for (const bad of [
      {},
      { code: [], ticks: [{ s: [0, 0] }] },
      { code: [{}], ticks: [{ s: [0, 0] }] },
      { code: [], ticks: [1] },
    ])
      expect(() => readV8Prof(bytes(bad))).toThrow(ProfconvError)
  })

  test('sniffer', () => {
    expect(sniffV8Prof(bytes({ code: [{ name: 'a', type: 'CPP' }], ticks: [] }))).toBe(true)
    expect(sniffV8Prof(fixture('cpuprofile/workload.cpuprofile'))).toBe(false)
  })
})

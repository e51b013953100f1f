import { readCallgrind } from '@profconv/callgrind'
import { ProfconvError, dumpGraph, type Profile } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { gprofFormat, readGprof, readGprofStream, sniffGprof } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const text = (path: string) => new TextDecoder().decode(fixture(path))
const one = (bytes: Uint8Array) => {
  const profiles = readGprof(bytes)
  expect(profiles).toHaveLength(1)
  return profiles[0]
}
const errorOf = (input: string) => {
  try {
    readGprof(utf8(input))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}

/** name → graph node, for a profile whose names are distinct. */
function nodesByName(profile: Profile) {
  return new Map(profile.graph!.nodes.map((n) => [profile.frames.get(n.frame).name, n]))
}
function edgesByName(profile: Profile) {
  const name = (id: number) => profile.frames.get(id).name
  return new Map(profile.graph!.edges.map((e) => [`${name(e.caller)} -> ${name(e.callee)}`, e]))
}

/**
 * The primary lines of gprof's call graph, read with one regular expression (independently of
 * the reader): `[N] %time self children called name [<cycle K>] [N]`.
 */
function primaryLines(report: string) {
  const re =
    /^\[\d+\]\s+[\d.]+\s+([\d.]+)\s+([\d.]+)\s+(?:(\d+)(?:\+(\d+))?)?\s+(\S.*?)(?: <cycle (\d+)>)? \[\d+\]$/
  return report
    .split('\n')
    .map((line) => re.exec(line))
    .filter((m) => m !== null && !m[5].includes('as a whole'))
    .map((m) => ({
      self: Number(m![1]),
      children: Number(m![2]),
      calls: m![3] === undefined ? undefined : Number(m![3]) + Number(m![4] ?? 0),
      name: m![5],
      cycle: m![6],
    }))
}

/** The child lines `self children a/b name [N]` under each primary line, by caller → callee. */
function childLines(report: string) {
  const arcs = new Map<string, { self: number; children: number; calls: number }>()
  let caller: string | undefined
  for (const line of report.split('\n')) {
    if (line.startsWith('[')) {
      caller = /\s(\S+)(?: <cycle \d+>)? \[\d+\]$/.exec(line)![1]
    } else if (line.startsWith('---')) {
      caller = undefined
    } else if (caller) {
      const m = /^\s+([\d.]+)\s+([\d.]+)\s+(\d+)\/\d+\s+(\S+)(?: <cycle \d+>)? \[\d+\]$/.exec(line)
      if (m) {
        arcs.set(`${caller} -> ${m[4]}`, {
          self: Number(m[1]),
          children: Number(m[2]),
          calls: Number(m[3]),
        })
      }
    }
  }
  return arcs
}

describe.each(['recursion', 'cycle'])('gprof -b report of %s.c (gcc -pg)', (name) => {
  const report = text(`gprof/${name}.gprof`)
  const profile = one(fixture(`gprof/${name}.gprof`))
  const nodes = nodesByName(profile)
  const edges = edgesByName(profile)

  test('is sniffed as gprof, in every form gprof prints', () => {
    for (const form of ['', '.full', '.flat', '.graph', '.traditional']) {
      expect(sniffGprof(fixture(`gprof/${name}${form}.gprof`))).toBe(true)
    }
    expect(gprofFormat.sniff!(fixture(`callgrind/rec-plain.callgrind`))).toBe(false)
  })

  test("every function's self seconds, children and calls are gprof's", () => {
    const lines = primaryLines(report)
    expect(lines.length).toBeGreaterThan(4)
    expect(nodes.size).toBe(lines.length)
    const wholes = new Map<string, number>()
    for (const m of report.matchAll(
      /^\[\d+\]\s+[\d.]+\s+([\d.]+)\s+([\d.]+).*<cycle (\d+) as a whole>/gm,
    )) {
      wholes.set(m[3], Number(m[1]) + Number(m[2]))
    }
    for (const line of lines) {
      const node = nodes.get(line.name)!
      expect(node.self[0]).toBeCloseTo(line.self, 10)
      // A cycle member's total is its cycle's (the `<cycle N as a whole>` line).
      const total = line.cycle ? wholes.get(line.cycle)! : line.self + line.children
      expect(node.total[0]).toBeCloseTo(total, 10)
      expect(node.calls).toBe(line.calls)
    }
  })

  test("every call's count and time under its caller are gprof's", () => {
    const arcs = childLines(report)
    expect(arcs.size).toBeGreaterThan(3)
    for (const [key, arc] of arcs) {
      const edge = edges.get(key)!
      expect(edge.calls).toBe(arc.calls)
      expect(edge.self![0]).toBeCloseTo(arc.self, 10)
      expect(edge.total[0]).toBeCloseTo(arc.self + arc.children, 10)
    }
  })

  test("the flat profile's self seconds and calls are the call graph's", () => {
    const flat = one(fixture(`gprof/${name}.flat.gprof`))
    const flatNodes = nodesByName(flat)
    expect(flat.graph!.edges).toHaveLength(0)
    expect(flat.meta.notes.join()).toMatch(/flat profile only/)
    // The flat profile counts calls as the call graph's primary line `a` of `a+b` does.
    const called = new Map(
      [...report.matchAll(/^\[\d+\]\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(\d+)\S*\s+(\w+)/gm)].map((m) => [
        m[2],
        Number(m[1]),
      ]),
    )
    for (const [fn, node] of flatNodes) {
      expect(node.self[0]).toBeCloseTo(nodes.get(fn)!.self[0], 10)
      expect(node.calls).toBe(called.get(fn))
    }
    expect(flat.meta.period?.value).toBe(0.01)
  })

  test('the default report (with explanations), -q and -T give the same graph as -b', () => {
    const graph = dumpGraph(profile)
    expect(dumpGraph(one(fixture(`gprof/${name}.full.gprof`)))).toBe(graph)
    expect(dumpGraph(one(fixture(`gprof/${name}.graph.gprof`)))).toBe(graph)
    // -T (--traditional): BSD's layout, `descendants` and the call graph before the flat profile.
    const traditional = one(fixture(`gprof/${name}.traditional.gprof`))
    expect(dumpGraph(traditional)).toBe(graph)
    expect(traditional.meta.notes).toEqual(profile.meta.notes)
  })

  test('call counts between profiled functions equal callgrind’s of the same program', () => {
    // callgrind counts every call exactly, as gprof's mcount does for code built with -pg.
    const [cg] = readCallgrind(fixture(`gprof/${name}.callgrind`))
    const cgEdges = edgesByName(cg)
    let compared = 0
    for (const [key, edge] of edges) {
      const [caller, callee] = key.split(' -> ')
      if (!nodes.get(caller) || caller === callee) continue
      const theirs = cgEdges.get(key)
      expect([key, theirs]).toEqual([key, expect.anything()])
      expect(edge.calls).toBe(theirs!.calls)
      compared++
    }
    expect(compared).toBeGreaterThan(3)
    // Self-recursion: gprof's `a+b` recursive part is callgrind's self-call count.
    for (const [fn, node] of nodes) {
      const self = cgEdges.get(`${fn} -> ${fn}`)
      if (self && node.calls !== undefined) {
        expect(node.calls - node.primitiveCalls!).toBe(self.calls)
      }
    }
  })

  test('read from 7-byte chunks gives what read gives', async () => {
    const bytes = fixture(`gprof/${name}.full.gprof`)
    const chunks = Array.from({ length: Math.ceil(bytes.length / 7) }, (_, i) =>
      bytes.subarray(i * 7, i * 7 + 7),
    )
    const [streamed] = await readGprofStream(chunks)
    expect(dumpGraph(streamed)).toBe(dumpGraph(profile))
    expect(dumpGraph(readGprof(bytes, { chunkSize: 5 })[0])).toBe(dumpGraph(profile))
  })
})

describe('the recursion fixture in detail', () => {
  const profile = one(fixture('gprof/recursion.gprof'))
  const nodes = nodesByName(profile)
  const edges = edgesByName(profile)

  test('fib calls itself: a+b calls, the self-call edge with its count and no time', () => {
    const fib = nodes.get('fib')!
    expect(fib.primitiveCalls).toBe(1)
    expect(fib.calls! - fib.primitiveCalls!).toBeGreaterThan(100000)
    const self = edges.get('fib -> fib')!
    expect(self.calls).toBe(fib.calls! - 1)
    expect(self.total[0]).toBe(0)
    expect(self.primitiveCalls).toBe(0)
  })

  test('is_even and is_odd form a cycle entered from main', () => {
    const even = nodes.get('is_even')!
    const odd = nodes.get('is_odd')!
    expect(even.total[0]).toBe(odd.total[0])
    expect(even.primitiveCalls).toBe(300)
    expect(edges.get('main -> is_even')!.calls).toBe(300)
    expect(edges.get('is_even -> is_odd')!.primitiveCalls).toBe(0)
    expect(profile.meta.notes.join()).toMatch(/cycle/)
  })

  test('cmp, called back from the C library, has no callers (<spontaneous>)', () => {
    const cmp = profile.graph!.nodes.find((n) => profile.frames.get(n.frame).name === 'cmp')!
    expect(profile.graph!.edges.some((e) => e.callee === cmp.frame)).toBe(false)
    expect(cmp.self[0]).toBeGreaterThan(0)
  })
})

describe('layouts of other gprof versions (from their documented shape)', () => {
  // BSD gprof (macOS, AIX) titles its columns `called/total parents` / `descendents`.
  const bsd = [
    'call graph profile:',
    '          The sum of self and descendents is the major sort',
    '',
    'granularity: each sample hit covers 4 byte(s) for 1.92% of 0.52 seconds',
    '',
    '                                  called/total       parents ',
    'index  %time    self descendents  called+self    name    \tindex',
    '                                  called/total       children',
    '',
    '                                                     <spontaneous>',
    '[1]     100.0    0.10        0.42                 start [1]',
    '                0.02        0.40       1/1           main(int, char**) [2]',
    '',
    '-----------------------------------------------',
    '',
    '                0.02        0.40       1/1           start [1]',
    '[2]     80.8    0.02        0.40       1         main(int, char**) [2]',
    '                0.40        0.00     7/7           work() [3]',
    '',
    '-----------------------------------------------',
    '',
    '                0.40        0.00       7/7           main(int, char**) [2]',
    '[3]     76.9    0.40        0.00       7         work() [3]',
    '',
    '-----------------------------------------------',
    '',
    'flat profile:',
    '',
    '  %   cumulative   self              self     total           ',
    ' time   seconds   seconds    calls  ms/call  ms/call  name    ',
    ' 76.9       0.40     0.40        7    57.14    57.14  work() [3]',
    ' 19.2       0.50     0.10                             start [1]',
    '  3.8       0.52     0.02        1    20.00   420.00  main(int, char**) [2]',
    '',
    'Index by function name',
    '',
  ].join('\n')

  test('BSD headers, names with spaces, blank lines inside entries', () => {
    expect(sniffGprof(utf8(bsd))).toBe(true)
    const profile = one(utf8(bsd))
    expect(dumpGraph(profile)).toBe(
      dumpGraph(one(utf8(bsd.replace(/^flat profile:[\s\S]*/m, '')))), // same graph without it
    )
    const nodes = nodesByName(profile)
    expect(nodes.get('main(int, char**)')!.total[0]).toBeCloseTo(0.42, 10)
    expect(edgesByName(profile).get('main(int, char**) -> work()')!.calls).toBe(7)
  })

  test('a UTF-16 report (as Windows tools save it) reads as the UTF-8 one', () => {
    const utf16 = new Uint8Array(2 + bsd.length * 2)
    utf16.set([0xff, 0xfe])
    for (let i = 0; i < bsd.length; i++) utf16[2 + 2 * i] = bsd.charCodeAt(i)
    expect(dumpGraph(one(utf16))).toBe(dumpGraph(one(utf8(bsd))))
  })

  test('GNU cuts `[10000]` to `[10000` in its 6-column index field', () => {
    const gnu = [
      'index % time    self  children    called     name',
      '                                                 <spontaneous>',
      '[10000 100.0    0.00    0.05                 main [10000]',
      '                0.05    0.00       2/2           leaf [10001]',
      '-----------------------------------------------',
      '                0.05    0.00       2/2           main [10000]',
      '[10001 100.0    0.05    0.00       2         leaf [10001]',
      '-----------------------------------------------',
    ].join('\n')
    const profile = one(utf8(gnu))
    expect(edgesByName(profile).get('main -> leaf')!.calls).toBe(2)
  })

  test('same-named functions (statics of two files) stay apart by their index', () => {
    const gnu = [
      'index % time    self  children    called     name',
      '                                                 <spontaneous>',
      '[1]    100.0    0.00    0.05                 main [1]',
      '                0.03    0.00       1/1           helper [2]',
      '                0.02    0.00       1/1           helper [3]',
      '-----------------------------------------------',
      '                0.03    0.00       1/1           main [1]',
      '[2]     60.0    0.03    0.00       1         helper [2]',
      '-----------------------------------------------',
      '                0.02    0.00       1/1           main [1]',
      '[3]     40.0    0.02    0.00       1         helper [3]',
      '-----------------------------------------------',
    ].join('\n')
    const profile = one(utf8(gnu))
    expect(profile.graph!.nodes.map((n) => n.self[0]).sort()).toEqual([0, 0.02, 0.03])
  })
})

describe('errors', () => {
  const header = 'index % time    self  children    called     name\n'
  test('a line inside an entry that is not a call-graph line, with its line number', () => {
    const message = errorOf(
      `${header}[1]    100.0    0.00    0.05                 main [1]\n   what is this\n`,
    )
    expect(message).toMatch(/^gprof: line 3: not a line of a call-graph entry/)
  })
  test('an entry without a primary line', () => {
    expect(
      errorOf(`${header}                0.05    0.00       2/2           leaf [2]\n---\n`),
    ).toMatch(/no primary line/)
  })
  test('text that is neither table', () => {
    expect(errorOf('hello\n')).toMatch(/neither a flat profile nor a call graph/)
  })
})

describe('a report cut short', () => {
  const CUT = /^gprof: the report looks cut short/
  const FORMS = [
    'recursion.gprof',
    'recursion.full.gprof',
    'recursion.graph.gprof',
    'recursion.traditional.gprof',
    'cycle.gprof',
  ]

  test.each(FORMS)(
    '%s: every cut between the call graph header and the index is noted or an error',
    (file) => {
      // GNU gprof (and BSD's) print the index by function name after every call graph.
      const lines = text(`gprof/${file}`).split('\n')
      const graph = lines.findIndex((l) => /^index\s+%\s*time/.test(l))
      const index = lines.indexOf('Index by function name')
      expect(graph).toBeGreaterThan(0)
      expect(index).toBeGreaterThan(graph)
      let noted = 0
      for (let n = graph + 1; n <= lines.length; n++) {
        let profile: Profile
        try {
          profile = one(utf8(lines.slice(0, n).join('\n') + '\n'))
        } catch (e) {
          // A cut inside an entry before its [N] line: an error at the entry's first line.
          expect((e as Error).message).toMatch(
            /^gprof: line \d+: the report ends inside a call-graph entry/,
          )
          continue
        }
        const notes = profile.meta.notes.filter((note) => CUT.test(note))
        expect([n, notes.length]).toEqual([n, n <= index ? 1 : 0])
        if (n <= index) noted++
        // Functions of the flat profile past the cut are not said to be left out by gprof.
        expect(profile.meta.notes.join()).not.toMatch(/as gprof's call graph leaves them out/)
      }
      expect(noted).toBeGreaterThan(10)
    },
  )

  test('a flat profile alone has no index to miss', () => {
    const flat = one(fixture('gprof/recursion.flat.gprof'))
    expect(flat.meta.notes.filter((note) => CUT.test(note))).toEqual([])
  })
})

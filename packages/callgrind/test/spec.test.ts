import { ProfconvError, dumpGraph } from '@profconv/model'
import { CYCLE_NOTE, readCallgrind, readCallgrindStream, sniffCallgrind } from '../src/index.js'

const bytes = (text: string) => new TextEncoder().encode(text)
const read = (text: string) => readCallgrind(bytes(text))
const graph = (text: string) => read(text).map(dumpGraph).join('\n---\n')

describe('the callgrind format specification', () => {
  test('hex positions, +N -N * subpositions, missing trailing costs, instr line', () => {
    const text = [
      'positions: instr line',
      'events: Ir Dr',
      'fl=(1) a.c',
      'fn=(1) main',
      '0x10 5 3 1',
      '+2 * 4',
      '-1 +1 2 2',
      '* -3 1',
      'cfn=(2) leaf',
      'calls=2 0x20 9',
      '+4 * 10 4',
      'fn=(2)',
      '0x20 9 10 4',
    ].join('\n')
    expect(graph(text)).toBe(
      [
        'edge main (a.c) -> leaf (a.c) total=10,4 calls=2',
        'fn leaf (a.c) self=10,4 total=10,4 calls=2',
        'fn main (a.c) self=10,3 total=20,7',
      ].join('\n'),
    )
  })

  test('a caller of many callees, calls repeated in a block and in a later block: arcs summed', () => {
    // main's first block calls 40 functions (more than a new caller's calls are scanned for),
    // some twice; another caller comes between; main's second block calls some again.
    const lines = ['events: Ir', 'fl=(1) a.c', 'fn=(1) main', '1 1']
    const want = new Map<string, number[]>()
    const call = (caller: string, callee: number, cost: number) => {
      lines.push(`cfn=(${callee + 10}) c${callee}`, 'calls=2 1', `2 ${cost}`)
      const key = `${caller} -> c${callee}`
      const [total, calls] = want.get(key) ?? [0, 0]
      want.set(key, [total + cost, calls + 2])
    }
    for (let c = 0; c < 40; c++) call('main', c, c + 1)
    call('main', 1, 100)
    call('main', 35, 200)
    lines.push('fn=(2) other', '1 1')
    call('other', 2, 5)
    lines.push('fn=(1)', '1 1')
    call('main', 0, 1000)
    call('main', 39, 2000)
    call('main', 40, 3000)
    for (let c = 0; c <= 40; c++) lines.push(`fn=(${c + 10})`, `1 ${50000}`)
    const [p] = read(lines.join('\n'))
    const names = p.frames.frames.map((f) => f.name)
    const got = new Map<string, number[]>()
    for (const e of p.graph!.edges) {
      const key = `${names[e.caller]} -> ${names[e.callee]}`
      expect(got.has(key)).toBe(false)
      got.set(key, [e.total[0], e.calls ?? NaN])
    }
    expect([...got].sort()).toEqual([...want].sort())
    expect(got.get('main -> c35')).toEqual([236, 4])
  })

  test('separate id spaces; ids defined on cfn=, cfi= and cob= lines', () => {
    const text = [
      'events: Ir',
      'ob=(1) /bin/app',
      'fl=(1) main.c',
      'fn=(1) main',
      '1 1',
      'cob=(2) /lib/libc.so',
      'cfi=(2) printf.c',
      'cfn=(2) printf',
      'calls=1 10',
      '2 7',
      'ob=(2)',
      'fl=(2)',
      'fn=(2)',
      '10 7',
    ].join('\n')
    expect(graph(text)).toBe(
      [
        'edge main (main.c) -> printf (printf.c) total=7 calls=1',
        'fn main (main.c) self=1 total=8',
        'fn printf (printf.c) self=7 total=7 calls=1',
      ].join('\n'),
    )
    const [p] = read(text)
    expect(p.frames.frames.map((f) => f.module)).toEqual(['/bin/app', '/lib/libc.so'])
  })

  test('inlined code (fi=/fe=) costs the function; jump= and jcnd= lines are skipped', () => {
    const text = [
      'events: Ir',
      'fl=(1) a.c',
      'fn=(1) f',
      '1 1',
      'fi=(2) inline.h',
      '5 2',
      'jump=3 7',
      'jcnd=1/3 9',
      'fe=(1)',
      '2 4',
    ].join('\n')
    expect(graph(text)).toBe('fn f (a.c) self=7 total=7')
  })

  test('names that look like ids, uncompressed names, "???" as unknown', () => {
    const text = ['events: Ir', 'ob=???', 'fl=???', 'fn=(below main)', '0 3'].join('\n')
    const [p] = read(text)
    expect(p.frames.frames).toEqual([{ name: '(below main)' }])
  })

  test("fn'2 names stay distinct; direct recursion never passes the program total", () => {
    const text = [
      'events: Ir',
      'fl=(1) r.c',
      'fn=(1) main',
      '1 1',
      "cfn=(2) fib'2",
      'calls=1 5',
      '2 30',
      "fn=(2) fib'2",
      '5 29',
      'cfn=(2)',
      'calls=4 5',
      '6 60',
    ].join('\n')
    const [p] = read(text)
    const fib = p.graph!.nodes.find((n) => p.frames.get(n.frame).name === "fib'2")!
    expect(fib.total).toEqual([30])
    expect([fib.calls, fib.primitiveCalls]).toEqual([5, 1])
  })

  test('mutual recursion: the entry carries the cycle’s cost, a deeper member its own, with a note', () => {
    const text = [
      'events: Ir',
      'fn=(1) main',
      '1 1',
      'cfn=(2) even',
      'calls=1 1',
      '1 19',
      'fn=(2)',
      '1 5',
      'cfn=(3) odd',
      'calls=3 1',
      '1 30',
      'fn=(3)',
      '1 14',
      'cfn=(2)',
      'calls=2 1',
      '1 28',
    ].join('\n')
    const [p] = read(text)
    // even is entered from main (19); odd, deeper, keeps its self (14): what gprof2dot draws.
    expect(p.graph!.nodes.map((n) => n.total[0])).toEqual([20, 19, 14])
    expect(p.graph!.nodes.map((n) => n.totalEstimated ?? false)).toEqual([false, true, true])
    expect(p.meta.notes).toContain(CYCLE_NOTE)
  })

  test('several parts make several profiles; headers carry over; summary is checked', () => {
    const text = [
      'version: 1',
      'cmd: ./app',
      'part: 1',
      'desc: Trigger: first',
      'events: Ir',
      'summary: 3',
      'fn=(1) a',
      '1 3',
      'totals: 3',
      'part: 2',
      'summary: 9',
      'fn=(1)',
      '1 4',
      'totals: 5',
    ].join('\n')
    const ps = read(text)
    expect(ps.map((p) => p.graph!.nodes[0].self[0])).toEqual([3, 4])
    expect(ps[0].meta.name).toBe('./app')
    expect(ps[0].meta.comments).toEqual(['Trigger: first'])
    expect(ps[0].meta.notes).toEqual([])
    expect(ps[1].meta.notes.join()).toMatch(
      /totals: line \(5\) differs from the sum of its costs \(4\)/,
    )
  })

  test('yappi: no header, ids defined in a block before the costs', () => {
    const text = [
      'events: Ticks',
      'fl=(0) a.py',
      'fl=(1) b.py',
      'fn=(0) f a.py:1',
      'fn=(1) g b.py:2',
      '',
      'fl=(0)',
      'fn=(0)',
      '1 5',
      'cfl=(1)',
      'cfn=(1)',
      'calls=2 0',
      '0 7',
      'fl=(1)',
      'fn=(1)',
      '2 7',
    ].join('\n')
    expect(graph(text)).toBe(
      [
        'edge f a.py:1 (a.py) -> g b.py:2 (b.py) total=7 calls=2',
        'fn f a.py:1 (a.py) self=5 total=12',
        // Declared while b.py was the current file: kept, as callgrind_annotate lists it.
        'fn f a.py:1 (b.py) self=0 total=0',
        'fn g b.py:2 (b.py) self=7 total=7 calls=2',
      ].join('\n'),
    )
  })

  test('a cost line split across every chunk boundary', async () => {
    const text = bytes('events: Ir Dr\nfn=(1) a\n0x1f 123456789 42\ncfn=(1)\ncalls=1 0\n0 7 7\n')
    const want = readCallgrind(text).map(dumpGraph)
    for (const size of [1, 2, 3, 5]) {
      const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) =>
        text.subarray(i * size, i * size + size),
      )
      expect((await readCallgrindStream(chunks)).map(dumpGraph)).toEqual(want)
    }
  })
})

describe('the one-pass reading of common lines', () => {
  // Plain cost lines and name references are read as their bytes are scanned; anything else
  // goes to the general line reader. CRLF sends every line to the general reader.
  const text = [
    'positions: instr line',
    'events: Ir Dr',
    'fl=(1) a.c',
    'fn=(1) main',
    '0x10 5\t3 ',
    '+2 * 4 1 99',
    '-1 +1',
    '* -3 1',
    'cfn=(2)',
    'calls=2',
    '+4 * 10 4',
    'fi=(2) b.h',
    '+1 +1 3 3',
    'fe=(1)',
    'cfi=(2)',
    'cfn=(3) helper',
    'calls=0x3 0x20 9',
    '+4 * 1 1',
    '',
    'fn=(2) leaf',
    '0x20 9 10 4',
    'cfn=(3)',
    'calls=1.5 0x30',
    '+1 +1 2 2',
    'fn=(3)',
    '0x30 1 1 1',
  ].join('\n')

  test('reads what the general reader reads, in any chunks', async () => {
    const want = graph(text)
    expect(want).toContain('edge main (a.c) -> helper (b.h) total=1,1 calls=3')
    expect(read(text.replace(/\n/g, '\r\n')).map(dumpGraph).join('\n---\n')).toBe(want)
    for (const size of [1, 2, 3, 7]) {
      const all = bytes(text)
      const chunks = Array.from({ length: Math.ceil(all.length / size) }, (_, i) =>
        all.subarray(i * size, i * size + size),
      )
      expect((await readCallgrindStream(chunks)).map(dumpGraph).join('\n---\n')).toBe(want)
    }
  })

  test('errors after one-pass lines name the right line', () => {
    const bad = 'events: Ir\nfn=(1) a\n1 2\n+1 3\ncfn=(1)\ncalls=2 1\n1 5\nfn=(1)\n2 x\n'
    expect(() => read(bad)).toThrow(/line 9: bad cost in '2 x'/)
  })
})

describe('bad input', () => {
  test.each([
    ['fn=(1) a\n1 2\n', /line 2: cost data before the events: line/],
    ['events: Ir\n1 2\n', /line 2: cost line before any fn= line/],
    ['events: Ir\nfn=a\n1 x\n', /line 3: bad cost in '1 x'/],
    ['events: Ir\nfn=a\nx1 2\n', /line 3: unrecognised line 'x1 2'/],
    ['events: Ir\nfn=a\n1x 2\n', /line 3: bad position/],
    ['events: Ir\nfn=a\ncfn=b\ncalls=1 0\nfn=c\n', /line 5: a calls= line must be followed/],
    ['events: Ir\nfn=a\ncfn=b\ncalls=1 0\n', /a calls= line without its cost line/],
    ['events: Ir\nfn=a\ncalls=1 0\n0 1\n', /calls= line without a fn= and cfn=/],
    ['positions: line column\n', /unsupported positions/],
    ['events:\n', /names no event/],
  ])('%j', (text, message) => {
    expect(() => read(text)).toThrow(ProfconvError)
    expect(() => read(text)).toThrow(message)
  })

  test('a part with an events: line and no cost is a profile of nothing, as callgrind_annotate reads it', () => {
    // The shape of gprof2dot's tests/callgrind/empty.callgrind: a part dumped at termination.
    const text =
      'version: 1\npart: 2\n\npositions: instr line\nevents: Ir Dr\nsummary: 0\n\ntotals: 0\n'
    const [profile, ...more] = read(text)
    expect(more).toHaveLength(0)
    expect(profile.metrics.map((m) => m.name)).toEqual(['Ir', 'Dr'])
    expect(profile.frames.length).toBe(0)
    expect(profile.graph?.nodes).toEqual([])
    expect(() => read('version: 1\ncmd: ./a\n')).toThrow(/no profile data/)
  })

  test('corrupt gzip', async () => {
    const junk = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff])
    expect(() => readCallgrind(junk)).toThrow(ProfconvError)
    await expect(readCallgrindStream([junk])).rejects.toThrow(ProfconvError)
  })

  test('random bytes throw ProfconvError or read, never anything else', () => {
    let seed = 7
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const alphabet = 'events: Ir\nfn=() cfn=calls=0x+-* 12\n\r#fl=ob=(1)'
    for (let i = 0; i < 2000; i++) {
      const text = Array.from(
        { length: 60 },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join('')
      try {
        read(text)
      } catch (error) {
        expect(error).toBeInstanceOf(ProfconvError)
      }
    }
  })
})

describe('sniffCallgrind', () => {
  test.each([
    ['# callgrind format\n', true],
    ['version: 1\ncreator: callgrind-3.19.0\npid: 1\ncmd: ./a\npart: 1\n\nevents: Ir\n', true],
    ['desc: I1 cache: 32768 B\ncmd: ./a\nevents: Ir\n', true],
    ['events: Ticks\n', true],
    ['main;a;b 10\n', false],
    ['{"version": 1}', false],
    ['version: 2.0 of something\nevents: x\n', false],
  ])('%j → %s', (text, want) => {
    expect(sniffCallgrind(bytes(text))).toBe(want)
  })
})

describe('names referenced before their definition', () => {
  test('take the name defined later; ids never defined read as (id) with a note', () => {
    const text = [
      'events: Ir',
      'fn=(1) main',
      '1 1',
      'cfn=(2)',
      'calls=1 0',
      '1 4',
      'cfn=(3)',
      'calls=1 0',
      '1 2',
      'fn=(2) helper',
      '1 4',
    ].join('\n')
    const [p] = read(text)
    expect(dumpGraph(p)).toContain('edge main -> helper total=4 calls=1')
    expect(dumpGraph(p)).toContain('edge main -> (3) total=2 calls=1')
    expect(p.meta.notes.join()).toMatch(/1 compressed names were used but never defined/)
  })

  test('a late definition with a name already in use merges the two', () => {
    const text = ['events: Ir', 'fn=(1) a', '1 1', 'fn=(2)', '1 2', 'fn=(2) a', '1 4'].join('\n')
    expect(graph(text)).toBe('fn a self=7 total=7')
  })

  test('merged functions sum their arcs: a late name in use, ??? as no file', () => {
    // `fl=???` reads as no file: `a` with and without it, and `b` under two ids, are one each.
    const text = [
      'events: Ir',
      'fn=(1) a',
      '1 1',
      'cfn=(2) b',
      'calls=1 1',
      '1 5',
      'fl=(1) ???',
      'fn=(1)',
      '1 2',
      'cfn=(3)',
      'calls=2 1',
      '1 6',
      'fn=(3) b',
      '1 11',
    ].join('\n')
    expect(graph(text)).toBe(
      [
        'edge a -> b total=11 calls=3',
        'fn a self=3 total=14',
        'fn b self=11 total=11 calls=3',
      ].join('\n'),
    )
  })
})

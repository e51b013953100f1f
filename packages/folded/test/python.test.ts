import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProfconvError, graphOf, type Profile } from '@profconv/model'
import { describeWithTool, fixture, fixturePath, run, testDataDir } from '@profconv/testkit'
import {
  austinFormat,
  tachyonCollapsedFormat,
  readPythonFolded,
  sniffAustin,
  sniffFolded,
  sniffTachyonCollapsed,
} from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)

/** Per `file:name` (the file's base name, as Tachyon writes it): [self, total] of metric `m`. */
function byFunction(profile: Profile, m: number, base = false): Map<string, [number, number]> {
  const graph = graphOf(profile)
  return new Map(
    graph.nodes.map((n) => {
      const f = profile.frames.get(n.frame)
      const file = base ? (f.file ?? '').replace(/.*\//, '') : (f.file ?? '')
      return [`${file}:${f.name}`, [n.self[m], n.total[m]]]
    }),
  )
}

describe('Tachyon --collapsed', () => {
  const bytes = fixture('tachyon/work.tachyon.collapsed')
  const oracle = JSON.parse(readFileSync(fixturePath('tachyon/work.tachyon.oracle.json'), 'utf8'))

  test('is told apart from plain folded stacks and austin', () => {
    expect(sniffTachyonCollapsed(bytes)).toBe(true)
    expect(sniffAustin(bytes)).toBe(false)
    expect(sniffTachyonCollapsed(fixture('folded/perf.folded'))).toBe(false)
    expect(sniffTachyonCollapsed(fixture('austin/wall.austin'))).toBe(false)
  })

  test('the same samples per function as the pstats file of the same run', () => {
    const profile = readPythonFolded(bytes, 'tachyon')
    expect(profile.metrics).toEqual([{ name: 'samples', unit: 'count' }])
    const got = byFunction(profile, 0, true)
    for (const fn of oracle.functions) {
      const file = fn.file.replace(/.*\//, '')
      expect([fn.name, got.get(`${file}:${fn.name}`)]).toEqual([
        fn.name,
        [fn.self_samples, fn.stack_samples],
      ])
    }
  })

  test('threads are labels, lines are on the stack nodes, chunking changes nothing', () => {
    const profile = readPythonFolded(bytes, 'tachyon')
    const threads = new Set(
      profile.samples!.labels!.map((l) => l?.find((x) => x.key === 'thread')?.str),
    )
    expect(threads.size).toBe(2)
    const tree = profile.samples!.tree
    const lines = new Set<string>()
    for (let n = 0; n < tree.length; n++)
      lines.add(`${profile.frames.get(tree.frame(n)).name}:${tree.line(n)}`)
    expect(lines).toContain('crunch:23')
    expect(lines).toContain('crunch:24')
    expect(lines).toContain('crunch:25')
    const tiny = readPythonFolded(bytes, 'tachyon', { chunkSize: 3 })
    expect(byFunction(tiny, 0)).toEqual(byFunction(profile, 0))
  })

  test('--python-threads separate: one profile per thread, the same samples in all', () => {
    const merged = tachyonCollapsedFormat.read!(bytes, {})
    const separate = tachyonCollapsedFormat.read!(bytes, { pythonThreads: 'separate' })
    expect(merged).toHaveLength(1)
    expect(separate).toHaveLength(2)
    expect(separate.map((p) => p.meta.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^thread \d+$/)]),
    )
    const total = (ps: Profile[]) =>
      ps.reduce((a, p) => a + p.samples!.values[0].reduce((x, y) => x + y, 0), 0)
    expect(total(separate)).toBe(total(merged))
    // each thread's functions: the worker thread alone runs worker()
    const names = separate.map((p) => graphOf(p).nodes.map((n) => p.frames.get(n.frame).name))
    expect(names.filter((n) => n.includes('worker'))).toHaveLength(1)
    expect(() => tachyonCollapsedFormat.read!(bytes, { pythonThreads: 'both' })).toThrow(
      /merge or separate/,
    )
  })

  test('a special frame without a file is the bare name; a bad line is an error with its number', () => {
    const p = readPythonFolded(utf8('tid:7;app.py:main:3;<native> 2\n'), 'tachyon')
    expect(p.frames.frames).toEqual([{ name: 'main', file: 'app.py' }, { name: '<native>' }])
    expect(() => readPythonFolded(utf8('tid:7;a.py:f:1 2\nmain;f 3\n'), 'tachyon')).toThrow(
      new ProfconvError('tachyon-collapsed', `expected 'tid:<id>' first, got "main;f 3"`, {
        line: 2,
      }),
    )
  })
})

describe('austin', () => {
  interface Oracle {
    samples: number
    functions: { file: string; name: string; self: number[]; total: number[] }[]
  }
  const oracleOf = (name: string) =>
    JSON.parse(readFileSync(fixturePath(`austin/${name}.oracle.json`), 'utf8')) as Oracle
  /** The model's [self, total] per function for the oracle's value `k` (a function of metrics). */
  const expectOracle = (
    profile: Profile,
    oracle: Oracle,
    fromModel: (values: (m: number) => number) => number,
    k: number,
  ) => {
    const per = profile.metrics.map((_, m) => byFunction(profile, m))
    for (const fn of oracle.functions) {
      const key = `${fn.file}:${fn.name}`
      const self = fromModel((m) => per[m].get(key)?.[0] ?? 0)
      const total = fromModel((m) => per[m].get(key)?.[1] ?? 0)
      expect([key, self, total]).toEqual([key, fn.self[k], fn.total[k]])
    }
  }

  test.each(['wall', 'wall-alt', 'memory', 'full'])(
    'austin 1.0.1 %s: sniffed, and every function equals austin’s own lines',
    (name) => {
      const bytes = fixture(`austin/${name}.austin`)
      expect(sniffAustin(bytes)).toBe(true)
      expect(sniffTachyonCollapsed(bytes)).toBe(false)
      const oracle = oracleOf(name)
      if (name === 'memory') {
        const profile = readPythonFolded(bytes, 'austin', { austinMode: 'memory' })
        expect(profile.metrics.map((m) => `${m.name}/${m.unit}`)).toEqual([
          'alloc_space/bytes',
          'free_space/bytes',
        ])
        expectOracle(profile, oracle, (v) => (v(0) - v(1)) / 1024, 0)
      } else if (name === 'full') {
        const profile = readPythonFolded(bytes, 'austin')
        expect(profile.metrics.map((m) => `${m.name}/${m.unit}`)).toEqual([
          'wall/microseconds',
          'alloc_space/bytes',
          'free_space/bytes',
        ])
        expectOracle(profile, oracle, (v) => v(0), 0)
        expectOracle(profile, oracle, (v) => v(1) / 1024, 1)
      } else {
        const profile = readPythonFolded(bytes, 'austin')
        expect(profile.metrics).toEqual([{ name: 'wall', unit: 'microseconds' }])
        expectOracle(profile, oracle, (v) => v(0), 0)
      }
    },
  )

  // austin 1.0.1 samples Python up to 3.8: pyenv's 3.8 on this machine kind (PY38 overrides).
  const py38 = process.env.PY38 ?? join(homedir(), '.pyenv/versions/3.8.18/bin/python')
  describeWithTool('austin', 'austin run live', () => {
    test('a fresh austin run reads with every function equal to its own lines', () => {
      const dir = mkdtempSync(join(tmpdir(), 'profconv-austin-'))
      try {
        const out = join(dir, 'live.austin')
        run('austin', ['-i', '2000', '-o', out, py38, fixturePath('tachyon/programs/work.py')])
        const oracle = JSON.parse(
          run('python3', [join(testDataDir, '../scripts/austin-oracle.py'), out]),
        ) as Oracle
        expect(oracle.functions.length).toBeGreaterThan(3)
        const bytes = new Uint8Array(readFileSync(out))
        expect(sniffAustin(bytes)).toBe(true)
        expectOracle(readPythonFolded(bytes, 'austin'), oracle, (v) => v(0), 0)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }, 60_000)
  })

  test('austin 1 default and -a forms give the same functions, lines on the nodes', () => {
    const plain = readPythonFolded(fixture('austin/wall.austin'), 'austin')
    const tree = plain.samples!.tree
    expect(tree.hasLines).toBe(true)
    const crunch = new Set<number>()
    for (let n = 0; n < tree.length; n++)
      if (plain.frames.get(tree.frame(n)).name === 'crunch') crunch.add(tree.line(n))
    expect([...crunch]).toEqual(expect.arrayContaining([23, 24, 25]))
    const threads = new Set(plain.samples!.labels!.map((l) => l?.[0].str))
    expect(threads.size).toBe(2)
  })

  test.each(['wall', 'full', 'memory-alt'])(
    'austin 3 (documented form) %s: metadata, metrics with units, austin’s own numbers',
    (name) => {
      const bytes = fixture(`austin/${name}.documented.austin3`)
      expect(sniffAustin(bytes)).toBe(true)
      expect(sniffFolded(bytes)).toBe(false)
      const profile = austinFormat.read!(bytes, {})[0]
      const oracle = oracleOf(`${name}.documented`)
      expect(profile.meta.comments).toContain('austin 3.6.0')
      expect(profile.meta.period?.value).toBe(100)
      const labels = profile.samples!.labels![0]!
      expect(labels.map((l) => l.key)).toEqual(['pid', 'thread'])
      if (name === 'wall') {
        expect(profile.meta.duration).toBe(1352e3)
        expectOracle(profile, oracle, (v) => v(0), 0)
        expect(profile.frames.frames.some((f) => f.name === '<GC>')).toBe(true)
      } else if (name === 'full') {
        expect(profile.metrics.map((m) => m.name)).toEqual([
          'wall',
          'cpu',
          'alloc_space',
          'free_space',
        ])
        expectOracle(profile, oracle, (v) => v(0), 0)
        expectOracle(profile, oracle, (v) => v(2) - v(3), 2)
        // cpu: the idle sample (join) is wall time only.
        const cpu = byFunction(profile, 1)
        expect(cpu.get('/usr/lib/python3.12/threading.py:join')).toEqual([0, 0])
        expect(cpu.get('/home/user/app/work.py:main')![1]).toBe(310 + 205)
      } else {
        expect(profile.metrics.map((m) => m.name)).toEqual(['alloc_space', 'free_space'])
        expectOracle(profile, oracle, (v) => v(0) - v(1), 0)
        const tree = profile.samples!.tree
        expect(tree.line(profile.samples!.stack[0])).toBe(16)
      }
    },
  )

  test('a line of the wrong shape is an error with its number', () => {
    expect(() =>
      readPythonFolded(utf8('# mode: wall\nP1;T2;a.py:f:1 5\nP1;T2;a.py:f:1 5,0,0\n'), 'austin'),
    ).toThrow(ProfconvError)
    expect(() => readPythonFolded(utf8('a;b 3\n'), 'austin')).toThrow(/line 1/)
  })
})

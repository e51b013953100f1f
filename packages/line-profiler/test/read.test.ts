import { readFileSync } from 'node:fs'
import { ProfconvError, graphOf, positionsOf, type Profile } from '@profconv/model'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'
import { readLineProfiler, sniffLineProfiler, unpickle } from '../src/index.js'

/** line_profiler's own text view: per function, its total seconds and per line [hits, time]. */
function parseLineProfilerText(text: string) {
  const unit = Number(/^Timer unit: (\S+) s$/m.exec(text)![1])
  const functions: {
    name: string
    file: string
    line: number
    total: number
    rows: Map<number, [number, number]>
  }[] = []
  let current: (typeof functions)[number] | undefined
  let total = 0
  let file = ''
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null
    if ((m = /^Total time: (\S+) s$/.exec(line))) total = Number(m[1])
    else if ((m = /^File: (.*)$/.exec(line))) file = m[1]
    else if ((m = /^Function: (.*) at line (\d+)$/.exec(line))) {
      current = { name: m[1], file, line: Number(m[2]), total, rows: new Map() }
      functions.push(current)
    } else if (current && (m = /^\s*(\d+)\s+(\d+)\s+([\d.]+)\s+[\d.]+\s+[\d.]+/.exec(line))) {
      current.rows.set(Number(m[1]), [Number(m[2]), Number(m[3])])
    }
  }
  return { unit, functions }
}

/** Per `name:line` of the model: [time, hits]; per function: its self time. */
function rowsOf(profile: Profile) {
  const rows = new Map<string, [number, number]>()
  const { tree, stack, values } = profile.samples!
  for (let i = 0; i < stack.length; i++) {
    const key = `${profile.frames.get(tree.frame(stack[i])).name}:${tree.line(stack[i])}`
    const row = rows.get(key) ?? [0, 0]
    rows.set(key, [row[0] + values[0][i], row[1] + values[1][i]])
  }
  return rows
}

/** Every line of line_profiler's text view has the model's hits and time; totals match. */
function expectLinesMatch(profile: Profile, text: string) {
  const oracle = parseLineProfilerText(text)
  const rows = rowsOf(profile)
  const graph = graphOf(profile)
  let checked = 0
  for (const fn of oracle.functions) {
    for (const [line, [hits, time]] of fn.rows) {
      const [ns, ourHits] = rows.get(`${fn.name}:${line}`)!
      expect([fn.name, line, ourHits]).toEqual([fn.name, line, hits])
      // The text shows the time in the output unit with one decimal.
      expect(Math.abs((ns * 1e-9) / oracle.unit - time)).toBeLessThanOrEqual(0.05 + 1e-9)
      checked++
    }
    // "Total time" (6 significant digits) is the function's self time in the model.
    const node = graph.nodes.find((n) => profile.frames.get(n.frame).name === fn.name)!
    expect(node.self[0] * 1e-9).toBeCloseTo(fn.total, 6)
  }
  expect(checked).toBe(12)
}

describe('line_profiler .lprof', () => {
  const profile = readLineProfiler(fixture('line-profiler/work.lprof'))

  test('sniffed by content; metrics time (the timer unit) and hits', () => {
    expect(sniffLineProfiler(fixture('line-profiler/work.lprof'))).toBe(true)
    expect(sniffLineProfiler(fixture('pstats/recursion.prof'))).toBe(false)
    expect(profile.metrics).toEqual([
      { name: 'time', unit: 'nanoseconds' },
      { name: 'hits', unit: 'count' },
    ])
    expect(profile.frames.frames.map((f) => `${f.name}@${f.line}`)).toEqual([
      'fib@4',
      'crunch@11',
      'area@23',
    ])
  })

  test('every line’s hits and time equal the committed `python3 -m line_profiler` output', () => {
    expectLinesMatch(profile, readFileSync(fixturePath('line-profiler/work.lprof.txt'), 'utf8'))
  })

  test('the lines are position detail: one row per (function, line) with its time and hits', () => {
    const detail = positionsOf(profile)!
    expect(detail.hasLines).toBe(true)
    const rows = rowsOf(profile)
    expect(detail.lines.length).toBe(rows.size)
    for (let r = 0; r < detail.lines.length; r++) {
      const key = `${profile.frames.get(detail.lines.frame[r]).name}:${detail.lines.line[r]}`
      expect([key, detail.lines.self[r * 2], detail.lines.self[r * 2 + 1]]).toEqual([
        key,
        ...rows.get(key)!,
      ])
    }
  })

  test.each([0, 1, 2, 3, 4, 5])('pickle protocol %i gives the same profile', (p) => {
    const bytes = fixture(`line-profiler/work.p${p}.lprof`)
    expect(sniffLineProfiler(bytes)).toBe(true)
    expect(rowsOf(readLineProfiler(bytes))).toEqual(rowsOf(profile))
  })

  test('a pickle that would run code is refused, naming what it refers to', () => {
    // pickle.dumps of os.system('echo hi') at protocol 0: `cposix\nsystem\n(S'echo hi'\ntR.`
    const evil = new TextEncoder().encode("cposix\nsystem\n(S'echo hi'\ntR.")
    expect(() => readLineProfiler(evil)).toThrow(
      new ProfconvError(
        'line-profiler',
        'the pickle refers to posix.system, which is not loaded (only the profile’s own classes are)'.replace(
          '’',
          "'",
        ),
        { offset: 0 },
      ),
    )
    // builtins.eval through STACK_GLOBAL (protocol 4)
    const stackGlobal = Uint8Array.from([
      0x80,
      4,
      0x8c,
      8,
      ...new TextEncoder().encode('builtins'),
      0x8c,
      4,
      ...new TextEncoder().encode('eval'),
      0x93,
      0x2e,
    ])
    expect(() => unpickle(stackGlobal, 'line-profiler', () => false)).toThrow(/builtins\.eval/)
  })

  test('truncation, an empty file and a wrong object are ProfconvErrors', () => {
    const bytes = fixture('line-profiler/work.lprof')
    for (let end = 0; end < bytes.length; end++)
      expect(() => readLineProfiler(bytes.subarray(0, end))).toThrow(ProfconvError)
    expect(() => readLineProfiler(new Uint8Array(0))).toThrow(/empty file/)
    // pickle.dumps([1, 2], protocol=2)
    const list = Uint8Array.from([0x80, 2, 0x5d, 0x71, 0, 0x28, 0x4b, 1, 0x4b, 2, 0x65, 0x2e])
    expect(() => readLineProfiler(list)).toThrow(/not a line_profiler LineStats/)
  })
})

describeWithTool('kernprof', 'python3 -m line_profiler (the real tool) on the fixture', () => {
  test('every line it prints has the hits and time profconv reads', () => {
    // kernprof's interpreter is the one with line_profiler (Debian's python3).
    const kernprof = run('sh', ['-c', 'command -v kernprof']).trim()
    const python = readFileSync(kernprof, 'utf8')
      .split('\n')[0]
      .replace(/^#!\s*/, '')
      .split(' ')[0]
    const out = run(python, ['-m', 'line_profiler', fixturePath('line-profiler/work.lprof')], {
      cwd: fixturePath('line-profiler/programs'),
    })
    expectLinesMatch(readLineProfiler(fixture('line-profiler/work.lprof')), out)
  })
})

import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ProfconvError, graphOf, type Profile } from '@profconv/model'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'
import { readScalene, sniffScalene } from '../src/index.js'

const FILE = 'scalene/work.scalene.json'

interface Line {
  lineno: number
  n_cpu_percent_python: number
  n_cpu_percent_c: number
  n_sys_percent: number
  n_malloc_mb: number
}

/** The parts of scalene 1.5.16's flat JSON the checks read. */
interface FlatJson {
  elapsed_time_sec: number
  files: Record<string, { lines: Line[]; percent_cpu_time: number }>
}

describe('scalene --json (scalene 1.5.16, the flat form)', () => {
  const profile = readScalene(fixture(FILE))
  const json = JSON.parse(readFileSync(fixturePath(FILE), 'utf8'))

  test('sniffed by content; metrics with units', () => {
    expect(sniffScalene(fixture(FILE))).toBe(true)
    expect(sniffScalene(fixture('speedscope/perf-folded.speedscope.json'))).toBe(false)
    expect(profile.metrics.map((m) => `${m.name}/${m.unit}`)).toEqual([
      'cpu_python/seconds',
      'cpu_native/seconds',
      'cpu_system/seconds',
      'alloc_space/bytes',
    ])
    expect(profile.meta.duration).toBeCloseTo(json.elapsed_time_sec * 1e9, 0)
    expect(profile.meta.notes.join('\n')).toMatch(/attributed to their file/)
  })

  test('every line equals scalene’s own figures (percent × elapsed, MB × 2^20)', () =>
    expectLines(profile, json))

  test('the current form names each line’s function (start_function_line)', () => {
    const current = {
      elapsed_time_sec: 2,
      alloc_samples: 1,
      files: {
        'app.py': {
          functions: [{ line: 'Shape.area', lineno: 10 }],
          lines: [
            { lineno: 11, start_function_line: 10, n_cpu_percent_python: 50, n_malloc_mb: 1 },
            { lineno: 20, start_function_line: 0, n_cpu_percent_c: 25 },
          ],
        },
      },
      stacks: [[['app.py:Shape.area:11'], { count: 3 }]],
    }
    const p = readScalene(new TextEncoder().encode(JSON.stringify(current)))
    expect(p.frames.frames).toEqual([
      { name: 'Shape.area', file: 'app.py', line: 10 },
      { name: '<app.py>', file: 'app.py' },
    ])
    expect(p.samples!.values[0][0]).toBe(1)
    expect(p.samples!.values[3][0]).toBe(1024 * 1024)
    expect(p.meta.notes.join('\n')).toMatch(/`stacks` are not read/)
  })

  test('not scalene JSON is a ProfconvError', () => {
    expect(() => readScalene(new TextEncoder().encode('{"files": {}}'))).toThrow(ProfconvError)
    expect(() =>
      readScalene(new TextEncoder().encode('{"elapsed_time_sec": 1, "files": {"a": 3}}')),
    ).toThrow(/no lines list/)
  })
})

// A fresh run of Debian's scalene 1.5.16 (python3-scalene, in Debian's python3), checked the same way.
describeWithTool('scalene', 'scalene run live', () => {
  test('every line of a fresh scalene --json run equals its own figures', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profconv-scalene-'))
    try {
      copyFileSync(fixturePath('scalene/programs/work.py'), join(dir, 'work.py'))
      run(
        '/usr/bin/python3',
        ['-m', 'scalene', '--json', '--outfile', 'out.json', '--cli', 'work.py'],
        {
          cwd: dir,
        },
      )
      const bytes = new Uint8Array(readFileSync(join(dir, 'out.json')))
      expect(sniffScalene(bytes)).toBe(true)
      expectLines(readScalene(bytes), JSON.parse(new TextDecoder().decode(bytes)))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})

describe('scalene --json, the current form (documented structure)', () => {
  const FILE2 = 'scalene/current.documented.scalene.json'
  const profile = readScalene(fixture(FILE2))
  const json = JSON.parse(readFileSync(fixturePath(FILE2), 'utf8'))

  test('sniffed; lines named by their function; stacks as metrics of their own', () => {
    expect(sniffScalene(fixture(FILE2))).toBe(true)
    expect(profile.metrics.map((m) => `${m.name}/${m.unit}`)).toEqual([
      'cpu_python/seconds',
      'cpu_native/seconds',
      'cpu_system/seconds',
      'alloc_space/bytes',
      'stack_samples/count',
      'stack_alloc_space/bytes',
    ])
    const graph = graphOf(profile)
    const self = new Map(graph.nodes.map((n) => [profile.frames.get(n.frame).name, n.self]))
    // per-line figures go to the named functions: native_sort's lines 12 and 13
    expect(self.get('native_sort')![1]).toBeCloseTo(((10 + 20) * 2) / 100, 12)
    // stack samples: the native leaf carries its library as module
    const native = profile.frames.frames.find((f) => f.name === 'list_sort_impl')!
    expect(native.module).toBe('/usr/lib/libpython3.12.so.1.0')
    expect(self.get('list_sort_impl')![4]).toBe(20)
    const hits = (json.combined_stacks as [unknown, number][]).reduce((a, [, h]) => a + h, 0)
    expect(graph.nodes.reduce((a, n) => a + n.self[4], 0)).toBe(hits)
    const mb = (json.memory_stacks as [unknown, number][]).reduce((a, [, w]) => a + w, 0)
    expect(graph.nodes.reduce((a, n) => a + n.self[5], 0)).toBe(mb * 1024 * 1024)
    // the stack's lines are on its nodes
    const main = graph.nodes.find((n) => profile.frames.get(n.frame).name === 'main')!
    expect(main.total[4]).toBe(hits)
  })
})

/** Every line of `json`'s work.py equals the profile's samples at that line (percent × elapsed, MB × 2^20). */
function expectLines(profile: Profile, json: FlatJson): void {
  const { tree, stack, values } = profile.samples!
  const got = new Map<number, number[]>()
  for (let i = 0; i < stack.length; i++)
    got.set(
      tree.line(stack[i]),
      values.map((v) => v[i]),
    )
  const elapsed = json.elapsed_time_sec as number
  let checked = 0
  for (const line of json.files['work.py'].lines as Line[]) {
    const want = [
      (line.n_cpu_percent_python * elapsed) / 100,
      (line.n_cpu_percent_c * elapsed) / 100,
      (line.n_sys_percent * elapsed) / 100,
      line.n_malloc_mb * 1024 * 1024,
    ]
    if (want.every((v) => v === 0)) continue
    const ours = got.get(line.lineno)!
    want.forEach((v, m) =>
      expect([line.lineno, m, ours[m]]).toEqual([line.lineno, m, expect.closeTo(v, 9)]),
    )
    checked++
  }
  expect(checked).toBeGreaterThan(3)
  // The file's CPU share (scalene's percent_cpu_time) is the sum of its lines' three CPU kinds.
  const [node] = graphOf(profile).nodes
  const cpu = node.self[0] + node.self[1] + node.self[2]
  expect((100 * cpu) / elapsed).toBeCloseTo(json.files['work.py'].percent_cpu_time, 6)
}

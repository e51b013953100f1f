import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import { describeWithTool, fixture, fixturePath, goPprofTop, run } from '@profconv/testkit'
import { expandInputs } from '../src/input-list.js'
import { chunkSize } from '../src/merge-inputs.js'
import { cli } from './cli-io.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const tmp = () => mkdtempSync(join(tmpdir(), 'profconv-merge-'))

/** Real cProfile outputs of different programs (Python 3). */
const PSTATS = ['recursion', 'recursion-2', 'classes', 'asyncio_app', 'builtins_gen'].map((n) =>
  fixturePath(`pstats/${n}.prof`),
)

/** `count` files in a new folder, cycling through `from`; their paths in order. */
function copies(from: string[], count: number, dir = tmp()): string[] {
  return Array.from({ length: count }, (_, i) => {
    const path = join(
      dir,
      `p${String(i).padStart(4, '0')}.${from[i % from.length].split('.').pop()}`,
    )
    copyFileSync(from[i % from.length], path)
    return path
  })
}

/** profconv's merge of `inputs` written to a file; its bytes. `convert` merges leniently. */
async function merged(inputs: string[], to: string, ...flags: string[]) {
  const out = join(tmp(), `out.${to}`)
  const command = flags[0] === 'convert' ? flags.shift()! : 'merge'
  const r = await cli([
    ...(command === 'merge' ? ['merge'] : []),
    ...inputs,
    '-t',
    to,
    '-o',
    out,
    ...flags,
  ])
  expect(r.stderr).not.toMatch(/error|warning/)
  expect(r.code).toBe(0)
  return readFileSync(out)
}

describe('--jobs', () => {
  test('chunks depend on the number of inputs only', () => {
    expect([1, 64, 65, 100, 3000, 30_000].map(chunkSize)).toEqual([1, 1, 2, 2, 47, 64])
  })

  test.each(['pstats', 'pprof'])(
    '--jobs 1 and --jobs 4 write the same bytes (-t %s, 100 inputs in chunks)',
    async (to) => {
      const inputs = copies(PSTATS, 100)
      const one = await merged(inputs, to, '--jobs', '1')
      const four = await merged(inputs, to, '--jobs', '4')
      expect(four.equals(one)).toBe(true)
      expect(one.length).toBeGreaterThan(1000)
    },
  )

  test('samples with labels: --jobs 1 and --jobs 3 write the same bytes', async () => {
    const inputs = copies([fixturePath('pprof/cpu.pb.gz'), fixturePath('pprof/cpu.pb.gz')], 70)
    const one = await merged(inputs, 'pprof', '--jobs', '1')
    expect((await merged(inputs, 'pprof', '--jobs', '3')).equals(one)).toBe(true)
  })
})

test('position detail crosses the threads: callgrind lines, --jobs 1 and --jobs 2 the same', async () => {
  const sources = ['rec-plain', 'rec-cache', 'rec-instr'].map((n) =>
    fixturePath(`callgrind/${n}.callgrind`),
  )
  const inputs = copies([...sources, fixturePath('pprof/cpu.pb.gz')], 12)
  const one = await merged(inputs, 'callgrind', 'convert', '--jobs', '1')
  expect((await merged(inputs, 'callgrind', 'convert', '--jobs', '2')).equals(one)).toBe(true)
  expect(one.toString()).toMatch(/^positions: .*line/m)
  expect(one.toString()).toMatch(/^\S+ [1-9]\d* \d/m) // a cost line at a known line
})

describe('a file that fails to read', () => {
  function withCorrupt() {
    const dir = tmp()
    const good = copies(PSTATS, 40, dir)
    const bad = join(dir, 'p0017-bad.prof')
    const bytes = fixture('pstats/asyncio_app.prof')
    writeFileSync(bad, bytes.subarray(0, bytes.length >> 1))
    return { good, bad, all: [...good.slice(0, 17), bad, ...good.slice(17)] }
  }

  test.each(['1', '4'])('is an error naming it (--jobs %s)', async (jobs) => {
    const { bad, all } = withCorrupt()
    const r = await cli(['merge', ...all, '-t', 'pstats-json', '--jobs', jobs])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(new RegExp(`^profconv: error: ${bad}: pstats: .+\\n$`))
  })

  test.each(['1', '4'])('is skipped and counted with --keep-going (--jobs %s)', async (jobs) => {
    const { good, bad, all } = withCorrupt()
    const out = join(tmp(), 'out.json')
    const r = await cli([
      'merge',
      ...all,
      '-t',
      'pstats-json',
      '-o',
      out,
      '--jobs',
      jobs,
      '--keep-going',
    ])
    expect(r.code).toBe(0)
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^profconv: warning: skipped ${bad}: pstats: `))
    expect(lines[1]).toBe(
      'profconv: note: 1 of 41 inputs failed to read and were left out of the merge (--keep-going)',
    )
    expect(lines).toHaveLength(2)
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(await mergedJson(good), 'utf8'))
  })

  test.each([
    ['gzip', (b: Uint8Array) => b.subarray(0, b.length >> 1)],
    ['protobuf', (b: Uint8Array) => gzipSync(gunzipSync(b).subarray(0, 2000))],
  ])('a pprof file cut short (%s) among pprof files folded from their bytes', async (_, cut) => {
    const dir = tmp()
    const good = copies([fixturePath('pprof/cpu.pb.gz')], 30, dir)
    const bad = join(dir, 'p0011-bad.pb.gz')
    writeFileSync(bad, cut(fixture('pprof/cpu.pb.gz')))
    const all = [...good.slice(0, 11), bad, ...good.slice(11)]
    const r = await cli(['merge', ...all, '-t', 'pprof', '--jobs', '1'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(new RegExp(`^profconv: error: ${bad}: pprof: .+\n$`))
    // The good files' stacks, summed (the note of the file left out aside).
    const kept = await merged(all, 'collapsed', '--keep-going', '--quiet')
    expect(kept.toString()).toBe((await merged(good, 'collapsed')).toString())
    expect(kept.length).toBeGreaterThan(1000)
  })

  async function mergedJson(inputs: string[]) {
    const out = join(tmp(), 'good.json')
    expect((await cli(['merge', ...inputs, '-t', 'pstats-json', '-o', out])).code).toBe(0)
    return out
  }
})

describe('inputs at scale', () => {
  test('a folder is every profile below it, by content; others are counted and left out', async () => {
    const dir = tmp()
    mkdirSync(join(dir, 'b/deeper'), { recursive: true })
    copyFileSync(PSTATS[0], join(dir, 'a.out'))
    copyFileSync(PSTATS[1], join(dir, 'b/deeper/run')) // no extension: content decides
    writeFileSync(join(dir, 'b/README.md'), '# notes, not a profile\n')
    const r = await cli(['merge', dir, '-t', 'pstats-json'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe(
      'profconv: note: 1 file found in the folders given is not profiles: left out\n',
    )
    const plain = await cli(['merge', PSTATS[0], PSTATS[1], '-t', 'pstats-json'])
    expect(r.stdout).toBe(plain.stdout)
  })

  test('files in a folder are named as join(folder, name) names them, however the folder is written', async () => {
    const dir = tmp()
    mkdirSync(join(dir, 'b'))
    writeFileSync(join(dir, 'a.out'), '')
    writeFileSync(join(dir, 'b/c.out'), '')
    const wanted = (given: string) => [join(given, 'a.out'), join(given, 'b', 'c.out')]
    for (const given of [dir, `${dir}/`, `${dir}//b/../`, `${dir}/./b/..`]) {
      const paths = (await expandInputs([given], undefined)).map((s) => s.path)
      expect(paths).toEqual(wanted(given))
    }
    const cwd = process.cwd()
    try {
      process.chdir(dir)
      for (const given of ['.', './', 'b/..', `../${basename(dir)}`]) {
        const paths = (await expandInputs([given], undefined)).map((s) => s.path)
        expect(paths).toEqual(wanted(given))
      }
      process.chdir('/')
      expect((await expandInputs([dir.slice(1)], undefined)).map((s) => s.path)).toEqual(
        wanted(dir.slice(1)),
      )
    } finally {
      process.chdir(cwd)
    }
  })

  test('@list reads paths from a file, @- from stdin; - stays stdin data', async () => {
    const list = join(tmp(), 'inputs.txt')
    writeFileSync(list, `${PSTATS[0]}\n\n${PSTATS[1]}\r\n`)
    const expected = (await cli([PSTATS[0], PSTATS[1], PSTATS[2], '-t', 'pstats-json'])).stdout
    const fromFile = await cli([`@${list}`, PSTATS[2], '-t', 'pstats-json'])
    expect(fromFile.stdout).toBe(expected)
    const fromStdin = await cli(
      ['@-', PSTATS[2], '-t', 'pstats-json'],
      new TextEncoder().encode(`${PSTATS[0]}\n${PSTATS[1]}\n`),
    )
    expect(fromStdin.stdout).toBe(expected)
    const data = await cli(
      [PSTATS[0], PSTATS[1], '-', '-t', 'pstats-json'],
      fixture('pstats/classes.prof'),
    )
    expect(data.stdout).toBe(expected)
    const both = await cli(['@-', '-', '-t', 'dot'], new Uint8Array())
    expect(both.code).toBe(2)
    expect(both.stderr).toMatch(/stdin cannot be both the list of inputs \(@-\) and an input \(-\)/)
  })

  test('a progress bar of files done with an ETA on a terminal, erased at the end', async () => {
    const inputs = copies(PSTATS, 12)
    const r = await cli(['merge', ...inputs, '-t', 'pstats-json', '--jobs', '1'], undefined, {
      stderr: { isTTY: true } as never,
    })
    expect(r.code).toBe(0)
    const erase = '\r\u001b[K'
    expect(r.stderr.startsWith(`${erase}profconv: `)).toBe(true)
    expect(r.stderr).toMatch(/profconv: \d+\/12 files \[[# ]+\] +\d+%/)
    expect(r.stderr.endsWith(`12/12 files [${'#'.repeat(40)}] 100%${erase}`)).toBe(true)
  })
})

describeWithTool('go', 'merged pprof against go tool pprof merging the same files', () => {
  /** Real profiles of one kind written by go tool pprof itself: the fixture and parts of it. */
  function variants(name: string, filters: string[][]): string[] {
    const dir = tmp()
    const source = fixturePath(`pprof/${name}.pb.gz`)
    return [
      source,
      ...filters.map((args, i) => {
        const out = join(dir, `${name}-${i}.pb.gz`)
        run('go', ['tool', 'pprof', '-proto', '-output', out, ...args, source])
        return out
      }),
    ]
  }
  const top = (files: string[], ...flags: string[]) =>
    goPprofTop(files, ...flags).replace(/^File: .*\n/m, '')

  test.each([
    ['cpu', ['samples', 'cpu'], '-unit=ns'],
    ['heap', ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'], '-unit=B'],
  ])(
    '%s: every flat and cum and the Duration line, for each sample type',
    async (name, types, unit) => {
      const files = variants(name, [
        ['-focus=main'],
        ['-ignore=fib|small'],
        ['-show_from=main.main'],
      ])
      const inputs = [...files, files[0], ...files.slice(1, 3)]
      const out = join(tmp(), 'merged.pb.gz')
      expect((await cli(['merge', ...inputs, '-t', 'pprof', '-o', out])).code).toBe(0)
      for (const type of types) {
        const ours = top([out], `-sample_index=${type}`, unit)
        const theirs = top(inputs, `-sample_index=${type}`, unit)
        expect(ours).toBe(theirs)
        if (name === 'cpu') expect(ours).toMatch(/^Duration: 7\.7\ds, Total samples = /m)
      }
    },
  )
})

describeWithTool('python3', 'merged pstats against pstats.Stats(*files)', () => {
  const oracle = (files: string[]) => {
    const out = join(tmp(), 'oracle.json')
    run('python3', [join(ROOT, 'scripts/pstats-oracle.py'), out, ...files])
    return JSON.parse(readFileSync(out, 'utf8')) as Oracle
  }
  interface Oracle {
    total_calls: number
    prim_calls: number
    total_tt: number
    functions: {
      file: string
      line: number
      name: string
      cc: number
      nc: number
      tt: number
      ct: number
      callers: { file: string; line: number; name: string; value: number[] }[]
    }[]
  }

  test('every function: cc, nc, tt, ct and callers', async () => {
    const inputs = copies(PSTATS, 13)
    const out = join(tmp(), 'merged.prof')
    writeFileSync(out, await merged(inputs, 'pstats', '--jobs', '2'))
    const ours = oracle([out])
    const theirs = oracle(inputs)
    expect(ours.total_calls).toBe(theirs.total_calls)
    expect(ours.prim_calls).toBe(theirs.prim_calls)
    expect(ours.total_tt).toBeCloseTo(theirs.total_tt, 9)
    expect(ours.functions.length).toBe(theirs.functions.length)
    expect(theirs.functions.length).toBeGreaterThan(500)
    // Times are sums of the same floats in another grouping: equal to the last bits or so.
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b))
    ours.functions.forEach((f, i) => {
      const t = theirs.functions[i]
      expect([f.file, f.line, f.name, f.cc, f.nc]).toEqual([t.file, t.line, t.name, t.cc, t.nc])
      expect(close(f.tt, t.tt) && close(f.ct, t.ct)).toBe(true)
      expect(f.callers.map((c) => [c.file, c.line, c.name, c.value[0], c.value[1]])).toEqual(
        t.callers.map((c) => [c.file, c.line, c.name, c.value[0], c.value[1]]),
      )
      f.callers.forEach((c, k) =>
        expect(
          close(c.value[2], t.callers[k].value[2]) && close(c.value[3], t.callers[k].value[3]),
        ).toBe(true),
      )
    })
  })
})

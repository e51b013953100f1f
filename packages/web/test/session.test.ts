import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { main } from '@profconv/cli'
import { listFormats } from '@profconv/core'
import { fixture, fixturePath } from '@profconv/testkit'
import { convertInputs, describe as describeInput, type Input } from '../src/session.js'

/** The CLI in-process, writing `-o` into a scratch folder: its output bytes and stderr. */
async function cli(args: string[]): Promise<{ output?: Buffer; stderr: string; code: number }> {
  const out = join(dir, `out-${++runs}`)
  const stderr = new PassThrough()
  const err: Buffer[] = []
  stderr.on('data', (c) => err.push(c))
  const code = await main([...args, '-o', out], { stdout: new PassThrough(), stderr })
  let output: Buffer | undefined
  try {
    output = readFileSync(out)
  } catch {
    output = undefined
  }
  return { output, stderr: Buffer.concat(err).toString(), code }
}
let runs = 0
let dir: string
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'profconv-web-session-'))))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const input = (path: string): Input => ({
  name: path.slice(path.lastIndexOf('/') + 1),
  blob: new Blob([fixture(path) as BlobPart]),
})

// Every writer of the registry; `svg` renders with Graphviz in Node here (the page hands the
// dot text to viz.js in the browser instead).
// `list` is checked below: the CLI reads the source files from disk, the page from files opened.
const WRITERS = listFormats()
  .filter((f) => f.write && f.name !== 'list')
  .map((f) => f.name)

describe.each([
  ['a cProfile call graph, two runs merged', ['pstats/recursion.prof', 'pstats/recursion-2.prof']],
  ['pprof samples', ['pprof/cpu.pb.gz']],
  ['callgrind with lines', ['callgrind/rec-instr.callgrind']],
])('%s: every writer gives the CLI’s bytes', (_, paths) => {
  test.each(WRITERS)('%s', async (to) => {
    const got = await convertInputs(paths.map(input), to)
    const expected = await cli([...paths.map(fixturePath), '-t', to])
    expect(expected.code).toBe(0)
    expect(Buffer.from(got.output!).toString('latin1')).toBe(expected.output!.toString('latin1'))
    // The notes the CLI prints.
    const notes = expected.stderr
      .split('\n')
      .filter((l) => l.startsWith('profconv: note: '))
      .map((l) => l.slice('profconv: note: '.length))
    expect(got.notes).toEqual(notes)
  })
})

test('options reach the writer as they do from the command line', async () => {
  const paths = ['pstats/recursion.prof']
  for (const [to, options, flags] of [
    ['dot', { nodeThres: 5, focus: 'fib' }, ['--node-thres', '5', '--focus', 'fib']],
    ['top', { sort: 'total', limit: 3 }, ['--sort', 'total', '--limit', '3']],
    [
      'flamegraph',
      { colors: 'mem', title: 'a <title>' },
      ['--colors', 'mem', '--title', 'a <title>'],
    ],
  ] as const) {
    const got = await convertInputs(paths.map(input), to, options)
    const expected = await cli([...paths.map(fixturePath), '-t', to, ...flags])
    expect(String(got.output)).toBe(expected.output!.toString())
  }
})

test('-t list shows the source files opened beside the profile, as the CLI shows them from disk', async () => {
  // Functions of the fixtures' own programs (the CLI finds Go's runtime sources on disk too).
  for (const [profile, source, list] of [
    ['pprof/cpu.pb.gz', 'pprof/src/cpu/main.go', '^main\\.'],
    ['callgrind/rec-instr.callgrind', 'callgrind/src/rec.c', '^(fib|is_odd|is_even|main)$'],
  ]) {
    const got = await convertInputs([input(profile)], 'list', { list }, [input(source)])
    const expected = await cli([fixturePath(profile), '-t', 'list', '--list', list])
    expect(String(got.output)).toBe(expected.output!.toString())
    expect(String(got.output)).not.toMatch(/source not found/)
  }
})

test('--granularity regroups as the CLI does', async () => {
  for (const granularity of ['lines', 'files', 'filefunctions']) {
    const got = await convertInputs([input('pprof/cpu.pb.gz')], 'top', { granularity })
    const expected = await cli([
      fixturePath('pprof/cpu.pb.gz'),
      '-t',
      'top',
      '--granularity',
      granularity,
    ])
    expect(String(got.output)).toBe(expected.output!.toString())
  }
})

test('a file that is not a profile: the CLI’s message', async () => {
  const result = await describeInput({ name: 'notes.txt', blob: new Blob(['hello\n']) })
  const path = join(dir, 'notes.txt')
  writeFileSync(path, 'hello\n')
  const expected = await cli([path, '-t', 'dot'])
  expect(expected.code).toBe(2)
  expect(result).toEqual({
    ok: false,
    undetected: true,
    error: expected.stderr.trim().replace(`profconv: error: ${path}: `, ''),
  })
})

test('info: the text of `profconv info`', async () => {
  const path = 'callgrind/rec-instr.callgrind'
  const result = await describeInput(input(path))
  const stdout = new PassThrough()
  const out: Buffer[] = []
  stdout.on('data', (c) => out.push(c))
  await main(['info', fixturePath(path)], { stdout, stderr: new PassThrough() })
  const text = Buffer.concat(out)
    .toString()
    .trimEnd()
    .split(fixturePath(path))
    .join('rec-instr.callgrind')
  expect(result.ok && result.info).toBe(text)
})

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { fixture, fixturePath } from '@profconv/testkit'
import { main } from '../src/index.js'

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../bin/profconv.js')

async function cli(args: string[], stdin?: Uint8Array) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: Buffer[] = []
  const err: Buffer[] = []
  stdout.on('data', (c) => out.push(c))
  stderr.on('data', (c) => err.push(c))
  const code = await main(args, {
    stdout,
    stderr,
    stdin: stdin ? Readable.from([Buffer.from(stdin)]) : undefined,
  })
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }
}

const tmp = () => mkdtempSync(join(tmpdir(), 'profconv-cli-'))

describe('profconv', () => {
  test('converts a cProfile file to dot on stdout', async () => {
    const r = await cli([fixturePath('pstats/recursion.prof'), '-t', 'dot'])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^digraph \{/)
    expect(r.stdout).toContain('recursion:8:fib')
  })

  test('reads stdin with -', async () => {
    const r = await cli(['-', '-t', 'dot'], fixture('pstats/recursion.prof'))
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('recursion:8:fib')
  })

  test('pstats → pstats-json → dot gives the same graph', async () => {
    const dir = tmp()
    const json = join(dir, 'app.json')
    expect(
      (await cli([fixturePath('pstats/classes.prof'), '-t', 'pstats-json', '-o', json])).code,
    ).toBe(0)
    const viaJson = await cli([json, '-t', 'dot'])
    const direct = await cli([fixturePath('pstats/classes.prof'), '-t', 'dot'])
    expect(viaJson.stdout).toBe(direct.stdout)
  })

  test('callgrind → callgrind keeps lines and addresses; --no-positions reads functions only', async () => {
    const input = fixturePath('callgrind/rec-instr.callgrind')
    const kept = await cli([input, '-t', 'callgrind'])
    expect(kept.code).toBe(0)
    expect(kept.stdout).toContain('positions: instr line\n')
    expect(kept.stdout).toMatch(/^0x[0-9a-f]+ \d+ \d+$/m)
    const lean = await cli([input, '-t', 'callgrind', '--no-positions'])
    expect(lean.code).toBe(0)
    expect(lean.stdout).toContain('positions: line\n')
  })

  test('several inputs are merged', async () => {
    const one = await cli([fixturePath('pstats/recursion.prof'), '-t', 'pstats-json'])
    const two = await cli([
      fixturePath('pstats/recursion.prof'),
      fixturePath('pstats/recursion-2.prof'),
      '-t',
      'pstats-json',
    ])
    const calls = (json: string) =>
      JSON.parse(json).functions.find((f: { name: string }) => f.name === 'fib').nc
    expect(calls(two.stdout)).toBe(2 * calls(one.stdout))
  })

  test('bad input: exit 2, one line naming file, format and position, no stack', async () => {
    const dir = tmp()
    const bad = join(dir, 'broken.prof')
    writeFileSync(bad, fixture('pstats/recursion.prof').subarray(0, 100))
    const r = await cli([bad, '-t', 'dot'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^profconv: error: .*broken\.prof: pstats: at byte \d+: truncated/)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stdout).toBe('')
  })

  test('-o never leaves a partial file, and keeps an old one on error', async () => {
    const dir = tmp()
    const out = join(dir, 'out.dot')
    writeFileSync(out, 'old contents')
    const bad = join(dir, 'bad.prof')
    writeFileSync(bad, fixture('pstats/recursion.prof').subarray(0, 500))
    expect((await cli([bad, '-t', 'dot', '-o', out])).code).toBe(2)
    expect(readFileSync(out, 'utf8')).toBe('old contents')
    expect(readdirSync(dir).sort()).toEqual(['bad.prof', 'out.dot'])
    expect((await cli([fixturePath('pstats/recursion.prof'), '-t', 'dot', '-o', out])).code).toBe(0)
    expect(readFileSync(out, 'utf8')).toMatch(/^digraph/)
    expect(readdirSync(dir).sort()).toEqual(['bad.prof', 'out.dot'])
  })

  test('usage errors: exit 2 and one line', async () => {
    for (const args of [
      [fixturePath('pstats/recursion.prof')],
      ['x.prof', '-t', 'dot', '--bogus'],
    ]) {
      const r = await cli(args)
      expect(r.code).toBe(2)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
    }
  })

  test('callgrind files stream, gzipped or not, and callgrind.out.<pid> names are known', async () => {
    const dir = tmp()
    const plain = join(dir, 'callgrind.out.4242')
    writeFileSync(plain, fixture('callgrind/rec-plain.callgrind'))
    const gz = join(dir, 'run.gz')
    writeFileSync(gz, gzipSync(fixture('callgrind/rec-plain.callgrind')))
    const a = await cli([plain, '-t', 'pstats-json', '-q'])
    const b = await cli([gz, '-t', 'pstats-json', '-q'])
    expect(a.code).toBe(0)
    expect(JSON.parse(a.stdout).functions.map((f: { name: string }) => f.name)).toContain('fib')
    expect(b.stdout).toBe(a.stdout)
  })

  test("gzip read with Node's zlib reads as the readers' own gunzip does", async () => {
    const dir = tmp()
    const raw = join(dir, 'cpu.pb')
    const { gunzipSync } = await import('node:zlib')
    writeFileSync(raw, gunzipSync(fixture('pprof/cpu.pb.gz')))
    const zipped = await cli([fixturePath('pprof/cpu.pb.gz'), '-t', 'folded'])
    const plain = await cli([raw, '-t', 'folded'])
    expect(zipped.code).toBe(0)
    expect(zipped.stdout).toContain('main.fib')
    expect(zipped.stdout).toBe(plain.stdout)
    // stdin takes the same path
    const piped = await cli(['-', '-t', 'folded'], fixture('pprof/cpu.pb.gz'))
    expect(piped.stdout).toBe(plain.stdout)
  })

  test('what zlib refuses is reported by the reader: over --max-input-size, truncated', async () => {
    const dir = tmp()
    const bomb = join(dir, 'bomb.pb.gz')
    writeFileSync(bomb, gzipSync(new Uint8Array(4 * 1024 ** 2)))
    const big = await cli([bomb, '--from', 'pprof', '-t', 'top', '--max-input-size', '1048576'])
    expect(big.code).toBe(2)
    expect(big.stderr).toMatch(/^profconv: error: .*expands past the limit of 1048576 bytes/)
    expect(big.stderr.trim().split('\n')).toHaveLength(1)
    const cut = join(dir, 'cut.pb.gz')
    const whole = fixture('pprof/cpu.pb.gz')
    writeFileSync(cut, whole.subarray(0, whole.length - 40))
    const truncated = await cli([cut, '-t', 'top'])
    expect(truncated.code).toBe(2)
    expect(truncated.stderr).toMatch(
      new RegExp(
        `^profconv: error: .*cut\\.pb\\.gz: pprof: at byte ${whole.length - 40}: gzip data ends in the middle of its compressed stream: the file is cut short\n$`,
      ),
    )
    // Cut in the 8-byte trailer, which fflate never reads (gzip -t: "unexpected end of file").
    writeFileSync(cut, whole.subarray(0, whole.length - 3))
    const trailer = await cli([cut, '-t', 'top'])
    expect(trailer.code).toBe(2)
    expect(trailer.stderr).toMatch(
      new RegExp(
        `^profconv: error: .*cut\\.pb\\.gz: pprof: at byte ${whole.length - 3}: gzip data ends early: the 8-byte trailer .*: the file is cut short\n$`,
      ),
    )
    // head -c 500 of a callgrind file gzipped, read as a stream (callgrind's reader) and from stdin.
    const callgrind = gzipSync(fixture('callgrind/rec-plain.callgrind'))
    writeFileSync(cut, callgrind.subarray(0, 500))
    for (const r of [
      await cli([cut, '-t', 'top']),
      await cli(['-', '-t', 'top'], callgrind.subarray(0, 500)),
    ]) {
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(
        /^profconv: error: .*: callgrind: at byte 500: gzip data ends in the middle of its compressed stream: the file is cut short\n$/,
      )
    }
  })

  test("pprof output gzipped by Node's zlib holds the same protobuf as --no-gzip", async () => {
    const dir = tmp()
    const input = fixturePath('pstats/recursion.prof')
    expect((await cli([input, '-t', 'pprof', '-q', '-o', join(dir, 'a.pb.gz')])).code).toBe(0)
    expect(
      (await cli([input, '-t', 'pprof', '-q', '--no-gzip', '-o', join(dir, 'a.pb')])).code,
    ).toBe(0)
    const zipped = readFileSync(join(dir, 'a.pb.gz'))
    const raw = readFileSync(join(dir, 'a.pb'))
    const { gunzipSync } = await import('node:zlib')
    expect([...zipped.subarray(0, 2)]).toEqual([0x1f, 0x8b])
    expect(raw.length).toBeGreaterThan(100)
    expect(gunzipSync(zipped).equals(raw)).toBe(true)
  })

  test('a mistyped format gets a suggestion', async () => {
    const r = await cli([fixturePath('pstats/recursion.prof'), '-t', 'dott'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("unknown format 'dott' (did you mean dot?)")
  })

  test('a missing file is one line, exit 2', async () => {
    const r = await cli(['/nonexistent/app.prof', '-t', 'dot'])
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: 'profconv: error: /nonexistent/app.prof: no such file\n',
    })
  })

  test('an undetectable input asks for --from', async () => {
    const dir = tmp()
    const junk = join(dir, 'junk.bin')
    writeFileSync(junk, 'hello')
    const r = await cli([junk, '-t', 'dot'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--from')
  })

  test('--help lists every format with what it reads and writes', async () => {
    const r = await cli(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/pstats\s+read write/)
    expect(r.stdout).toMatch(/dot\s+write/)
  })

  test('notes of estimates are printed on stderr, and --quiet silences them', async () => {
    const args = [fixturePath('pstats/recursion.profile.prof'), '-t', 'dot']
    expect((await cli(args)).stderr).toMatch(/^profconv: note: per-caller times were estimated/)
    expect((await cli([...args, '-q'])).stderr).toBe('')
  })
})

describe('the bin', () => {
  test('a closed pipe ends quietly', () => {
    const r = spawnSync(
      'sh',
      ['-c', `node ${BIN} ${fixturePath('pstats/asyncio_app.prof')} -t dot -n 0 -e 0 | head -1`],
      {
        encoding: 'utf8',
      },
    )
    expect(r.stdout).toBe('digraph {\n')
    expect(r.stderr).toBe('')
  })

  test('exit code 2 from the real process on bad input', () => {
    const r = spawnSync('node', [BIN, '/nonexistent.prof', '-t', 'dot'], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toBe('profconv: error: /nonexistent.prof: no such file\n')
  })
})

describe('commands next to the default conversion', () => {
  test('a file named like a command is reached as ./info', async () => {
    const dir = tmp()
    writeFileSync(join(dir, 'info'), fixture('pstats/recursion.prof'))
    const r = await cli([join(dir, 'info'), '-t', 'folded'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('fib')
  })

  test('merge sums same-kind profiles like the default command', async () => {
    const files = [fixturePath('pstats/recursion.prof'), fixturePath('pstats/recursion-2.prof')]
    const merged = await cli(['merge', ...files, '-t', 'pstats-json'])
    const plain = await cli([...files, '-t', 'pstats-json'])
    expect(merged.code).toBe(0)
    expect(merged.stdout).toBe(plain.stdout)
  })

  test('merge refuses profiles of different kinds, naming both', async () => {
    const r = await cli([
      'merge',
      fixturePath('pstats/recursion.prof'),
      fixturePath('pprof/cpu.pb.gz'),
      '-t',
      'pprof',
    ])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(
      /^profconv: error: cannot merge profiles of different kinds: .*recursion\.prof has time \(seconds\), .*cpu\.pb\.gz has samples \(count\), cpu \(nanoseconds\)\n$/,
    )
  })

  test('completion prints a script, and completes format names after -t', async () => {
    const script = await cli(['completion'])
    expect(script.code).toBe(0)
    expect(script.stdout).toContain('###-begin-profconv-completions-###')
    const formats = await cli(['--get-yargs-completions', 'profconv', 'x.prof', '-t', ''])
    expect(formats.stdout.split('\n')).toEqual(expect.arrayContaining(['dot', 'pprof', 'top']))
    const commands = await cli(['--get-yargs-completions', 'profconv', ''])
    expect(commands.stdout.split('\n')).toEqual(expect.arrayContaining(['info', 'merge']))
    expect(commands.stdout).not.toContain('$0')
  })

  test('--version prints the package version', async () => {
    const r = await cli(['--version'])
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/)
  })

  test('--help shows the commands and examples', async () => {
    const r = await cli(['--help'])
    expect(r.stdout).toMatch(/profconv info <files\.\.>/)
    expect(r.stdout).toMatch(/profconv merge <inputs\.\.>/)
    expect(r.stdout).toMatch(/Examples:/)
  })
})

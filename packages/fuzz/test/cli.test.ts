import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { PassThrough, Readable } from 'node:stream'
import { main } from '@profconv/cli'
import { FORMATS } from '@profconv/core'
import { READERS, SEEDS } from './corpus.js'

// Truncating a real file of each format at any byte never makes the command crash: it converts
// what is there (exit 0) or says in one line what is wrong (exit 2), never a stack trace or an
// internal error (exit 1).

async function cli(args: string[], stdin: Uint8Array) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: Buffer[] = []
  const err: Buffer[] = []
  stdout.on('data', (c) => out.push(c))
  stderr.on('data', (c) => err.push(c))
  const code = await main(args, { stdout, stderr, stdin: Readable.from([Buffer.from(stdin)]) })
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }
}

/** Writers to convert to, in turn (svg renders through wasm Graphviz: too slow for thousands). */
const TARGETS = FORMATS.filter((f) => f.write && f.name !== 'svg').map((f) => f.name)

/** Cut points per fixture (evenly spaced; readers.test.ts cuts at every byte, without the CLI). */
const MAX_CUTS = 300

describe.each(READERS.map((f) => [f.name, f] as const))(
  'profconv on a truncated %s file',
  (_name, format) => {
    const seeds = SEEDS.get(format.name)!
    const fixture = seeds.find((s) => !s.source.startsWith('written')) ?? seeds[0]

    test(`every cut of ${fixture.source}: exit 0, or exit 2 with one line`, async () => {
      const step = Math.ceil(fixture.plain.length / MAX_CUTS)
      const codes = new Set<number>()
      for (let n = 0, k = 0; n < fixture.plain.length; n += step, k++) {
        let input = fixture.plain.subarray(0, n)
        if (fixture.gzip) input = new Uint8Array(gzipSync(input))
        const to = TARGETS[k % TARGETS.length]
        const r = await cli(['-', '--from', format.name, '-t', to, '-q'], input)
        const where = `cut at ${n} of ${fixture.source}, -t ${to}`
        codes.add(r.code)
        if (r.code === 0) continue
        expect({ where, code: r.code }).toEqual({ where, code: 2 })
        expect({ where, stderr: r.stderr }).toEqual({
          where,
          stderr: expect.stringMatching(/^profconv: error: [^\n]*\n$/),
        })
        expect(r.stdout).toBe('')
      }
      expect(codes).toContain(2)
    })
  },
)

describe('--max-input-size', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profconv-fuzz-'))
  const folded = Buffer.from('main;work 3\n'.repeat(10_000))
  const gz = gzipSync(folded)

  test.each([
    ['stdin', ['-', '--from', 'folded']],
    ['a file', [join(dir, 'app.folded.gz')]],
    ['a streamed callgrind file', [join(dir, 'app.callgrind.gz')]],
  ])('reaches the reader of %s', async (_what, input) => {
    writeFileSync(join(dir, 'app.folded.gz'), gz)
    writeFileSync(
      join(dir, 'app.callgrind.gz'),
      gzipSync('events: Ir\nfn=main\n' + '1 1\n'.repeat(30_000)),
    )
    const small = await cli([...input, '-t', 'folded', '--max-input-size', '1000'], gz)
    expect(small).toEqual({
      code: 2,
      stdout: '',
      stderr: expect.stringMatching(
        /^profconv: error: .*expands past the limit of 1000 bytes \(raise it with --max-input-size\)\n$/,
      ),
    })
    const enough = await cli(
      [...input, '-t', 'folded', '--max-input-size', String(10 * folded.length)],
      gz,
    )
    expect(enough.code).toBe(0)
  })
})

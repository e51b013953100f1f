import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '@profconv/cli'
import { convert } from '@profconv/core'
import { describeWithTool, fixturePath, run, testDataDir } from '@profconv/testkit'
import { PassThrough } from 'node:stream'

// `-t list` prints the per-line numbers of the real tools: `go tool pprof -list` on the Go
// profiles (with their sources in test-data), `callgrind_annotate --auto=yes` on valgrind files.

const NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, B: 1, '': 1 }

/** A cost cell (`320ms`, `320000000ns`, `1,234`, `.`) in the base unit (ns, bytes, count). */
function value(cell: string): number {
  if (cell === '.') return 0
  const m = /^([\d.,]+)([a-zµ]*|B)$/i.exec(cell)
  if (!m || NS[m[2]] === undefined) throw new Error(`not a cost: ${cell}`)
  return Math.round(Number(m[1].replace(/,/g, '')) * NS[m[2]])
}

/**
 * A `-list` text as `name: flat cum` headers and `name:line flat cum text` rows of the lines
 * with a cost (pprof's layout, which profconv follows).
 */
function listRows(text: string): string[] {
  const rows: string[] = []
  let name = ''
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const routine = /^ROUTINE =+ (.*) in (.*)$/.exec(lines[i])
    if (routine) {
      name = routine[1]
      const [flat, cum] = lines[++i].trim().split(/\s+/)
      rows.push(`${name}: ${value(flat)} ${value(cum)}`)
      continue
    }
    const row = /^\s*(\S+)\s+(\S+)\s+(\d+):(.*)$/.exec(lines[i])
    if (row && (row[1] !== '.' || row[2] !== '.'))
      rows.push(`${name}:${row[3]} ${value(row[1])} ${value(row[2])} ${row[4]}`)
  }
  return rows
}

async function profconv(args: string[]): Promise<string> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (d: Buffer) => (out += d.toString()))
  stderr.on('data', (d: Buffer) => (err += d.toString()))
  const code = await main(args, { stdout, stderr })
  if (code !== 0) throw new Error(`profconv ${args.join(' ')} exited ${code}: ${err}`)
  return out
}

describeWithTool('go', '-t list equals go tool pprof -list', () => {
  test.each([
    ['cpu', 'main\\.', 'cpu', '-unit=ns'],
    ['heap', 'main\\.', 'alloc_space', '-unit=B'],
  ])('%s.pb.gz --list %s (%s)', async (file, pattern, metric, unit) => {
    const path = fixturePath(`pprof/${file}.pb.gz`)
    const go = run('go', [
      'tool',
      'pprof',
      `-list=${pattern}`,
      unit,
      `-sample_index=${metric}`,
      `-source_path=${testDataDir}`,
      path,
    ])
    const ours = await profconv([
      'list',
      pattern,
      path,
      '--metric',
      metric,
      '--source-path',
      testDataDir,
    ])
    const want = listRows(go)
    expect(want.length).toBeGreaterThan(1)
    expect(listRows(ours)).toEqual(want)
  })
})

/**
 * Per `file:line` of every annotated file, the self cost and self + calls made there (the
 * `=>` lines), of the first event, as `callgrind_annotate --auto=yes` prints them.
 */
function annotated(text: string): Map<string, [number, number]> {
  const out = new Map<string, [number, number]>()
  let file = ''
  let line = 0
  for (const l of text.split('\n')) {
    const header = /^-- Auto-annotated source: (.*)$/.exec(l)
    if (header) {
      file = header[1]
      line = 0
      continue
    }
    if (l.startsWith('--')) continue
    // An annotated file ends at an empty line (its own empty lines read `.`).
    if (l === '' && line > 0) file = ''
    if (!file) continue
    const m = /^\s*(\.|[\d,]+)(?: \(\s*[\d.]+%\))?\s\s(.*)$/.exec(l)
    if (!m) continue
    const cost = m[1] === '.' ? 0 : Number(m[1].replace(/,/g, ''))
    if (m[2].startsWith('=> ')) {
      const at = out.get(`${file}:${line}`)!
      at[1] += cost
      continue
    }
    line++
    if (cost !== 0 || !out.has(`${file}:${line}`)) out.set(`${file}:${line}`, [cost, cost])
  }
  return new Map([...out].filter(([, [self, cum]]) => self !== 0 || cum !== 0))
}

describeWithTool('callgrind_annotate', '-t list equals callgrind_annotate --auto=yes', () => {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'profconv-list-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test.each(['rec-plain', 'inlined-O2'])('%s: per-line self and self + calls', (name) => {
    // The fixture names its sources where it was made: point them at this checkout's copy.
    const text = readFileSync(fixturePath(`callgrind/${name}.callgrind`), 'utf8').replace(
      /^(c?f[lie]=(?:\(\d+\) )?)\/.*?\/test-data\/callgrind\/src\//gm,
      `$1${testDataDir}/callgrind/src/`,
    )
    const file = join(dir, `${name}.callgrind`)
    writeFileSync(file, text)
    const oracle = annotated(
      run('callgrind_annotate', ['--auto=yes', '--context=1000000', '--threshold=100', file], {
        cwd: dir,
        env: { ...process.env, PERL_HASH_SEED: '0', PERL_PERTURB_KEYS: '0' },
      }),
    )
    const sources = new Set([...oracle.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))
    expect(sources.size).toBeGreaterThan(0)

    const { output } = convert(new TextEncoder().encode(text), { to: 'list', list: '.' })
    // Per file:line, summed over functions: self, self + calls, and how many functions.
    const ours = new Map<string, [number, number, number]>()
    let routineFile = ''
    for (const l of (output as string).split('\n')) {
      const routine = /^ROUTINE =+ .* in (.*)$/.exec(l)
      if (routine) routineFile = routine[1]
      const row = /^\s*(\S+)\s+(\S+)\s+(\d+):/.exec(l)
      if (!row || !sources.has(routineFile) || (row[1] === '.' && row[2] === '.')) continue
      const key = `${routineFile}:${row[3]}`
      const at = ours.get(key) ?? [0, 0, 0]
      at[0] += value(row[1])
      at[1] += value(row[2])
      at[2]++
      ours.set(key, at)
    }
    expect([...ours.keys()].sort()).toEqual([...oracle.keys()].sort())
    for (const [key, [self, cum, functions]] of ours) {
      expect([key, self]).toEqual([key, oracle.get(key)![0]])
      // callgrind_annotate shows the calls of only the first function it met at a line.
      if (functions === 1) expect([key, cum]).toEqual([key, oracle.get(key)![1]])
    }
  })
})

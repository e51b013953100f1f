import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describeWithTool, fixturePath, goPprofTop } from '@profconv/testkit'
import { cli } from './cli-io.js'

const text = (rel: string) => readFileSync(fixturePath(rel), 'utf8')

/** Nanoseconds (or 1 for B and counts) per unit named in a `flat (ms)` header. */
const PER_UNIT: Record<string, number> = { s: 1e9, ms: 1e6, µs: 1e3, ns: 1, B: 1, '': 1 }

interface Row {
  flat: number
  flatPct: number
  sumPct: number
  cum: number
  cumPct: number
  calls?: string
  name: string
}

/** Parses `-t top` output; values back in the metric's base unit (ns for pprof times). */
function parseOurs(out: string, base = 1): { rows: Row[]; decimals: number } {
  const [, header, ...lines] = out.trimEnd().split('\n')
  const unit = /^flat(?: \((\S+)\))?/.exec(header.trim())![1] ?? ''
  const scale = PER_UNIT[unit] / base
  const hasCalls = /\bcalls\b/.test(header)
  const rows = lines.map((line) => {
    const cells = line.trim().split(/\s+/)
    const [flat, flatPct, sumPct, cum, cumPct] = cells.slice(0, 5)
    const rest = cells.slice(hasCalls ? 6 : 5)
    return {
      flat: Number(flat) * scale,
      flatPct: parseFloat(flatPct),
      sumPct: parseFloat(sumPct),
      cum: Number(cum) * scale,
      cumPct: parseFloat(cumPct),
      ...(hasCalls ? { calls: cells[5] } : {}),
      name: rest.join(' '),
    }
  })
  const decimals = /\.(\d+)\s/.exec(lines[0] ?? '')?.[1].length ?? 0
  return { rows, decimals: scale * 10 ** -decimals }
}

/** `go tool pprof -top` rows, in its order (values unscaled: -unit=ns, -unit=B). */
function parsePprof(reading: string): Row[] {
  return reading
    .split('\n')
    .map((l) =>
      /^\s*(-?[\d.]+)[a-zA-Z]*\s+(\S+)%\s+(\S+)%\s+(-?[\d.]+)[a-zA-Z]*\s+(\S+)%\s+(.*)$/.exec(l),
    )
    .filter((m) => m !== null)
    .map((m) => ({
      flat: Number(m[1]),
      flatPct: Number(m[2]),
      sumPct: Number(m[3]),
      cum: Number(m[4]),
      cumPct: Number(m[5]),
      name: m[6].replace(/ \((partial-)?inline\)$/, ''),
    }))
}

describe('-t top against go tool pprof -top -nodecount=0', () => {
  // The Go profiles: every function name is unique (pprof keys rows by name alone; profconv
  // keeps same-named functions of different files apart, as in the Node profiles).
  const readings = readdirSync(fixturePath('pprof')).filter((f) =>
    /^(cpu|heap)\.top\.\w+\.txt$/.test(f),
  )

  test.each(readings)('%s: same functions, same order, same numbers', async (reading) => {
    const [name, , metric] = reading.split('.')
    const r = await cli([fixturePath(`pprof/${name}.pb.gz`), '-t', 'top', '-m', metric])
    expect(r.code).toBe(0)
    const { rows, decimals } = parseOurs(r.stdout)
    const expected = parsePprof(text(`pprof/${reading}`))
    expect(expected.length).toBeGreaterThan(5)
    expect(rows.map((row) => row.name.replace(/ \(\/.*\)$/, ''))).toEqual(
      expected.map((row) => row.name),
    )
    rows.forEach((row, i) => {
      const want = expected[i]
      expect(Math.abs(row.flat - want.flat)).toBeLessThanOrEqual(decimals / 2)
      expect(Math.abs(row.cum - want.cum)).toBeLessThanOrEqual(decimals / 2)
      // pprof prints 2 decimals, or 2 significant digits below 1%.
      for (const k of ['flatPct', 'sumPct', 'cumPct'] as const)
        expect(Math.abs(row[k] - want[k])).toBeLessThanOrEqual(0.0051 + want[k] * 0.01)
    })
  })

  test('--sort total orders by cum, then name (pprof -top -cum)', async () => {
    const r = await cli([fixturePath('pprof/cpu.pb.gz'), '-t', 'top', '--sort', 'total'])
    const cums = parseOurs(r.stdout).rows.map((row) => row.cum)
    expect(cums).toEqual([...cums].sort((a, b) => b - a))
    expect(cums[0]).toBe(650_000_000)
  })
})

describeWithTool('go', '-t top total against go tool pprof -top (samples without a stack)', () => {
  test('samples without locations count in the total and the shares, in no row', async () => {
    // austin's samples of threads without Python frames become pprof samples without locations.
    const out = join(mkdtempSync(join(tmpdir(), 'profconv-top-')), 'wall.pb.gz')
    expect(
      (await cli([fixturePath('austin/wall.austin'), '-t', 'pprof', '-o', out, '-q'])).code,
    ).toBe(0)
    const reading = goPprofTop([out], '-unit=us')
    const pprofTotal = Number(/ of (\d+)us total/.exec(reading)![1])
    const r = await cli([out, '-t', 'top', '-q'])
    expect(r.code).toBe(0)
    const { rows, decimals } = parseOurs(r.stdout, 1e3) // microseconds
    const ourTotal = /of ([\d.]+) s total/.exec(r.stdout)![1]
    expect(Math.abs(Number(ourTotal) * 1e6 - pprofTotal)).toBeLessThanOrEqual(500)
    // The stackless samples are outside every row: the rows' flat sum is below the total.
    const flatSum = rows.reduce((sum, row) => sum + row.flat, 0)
    expect(pprofTotal - flatSum).toBeGreaterThan(1000)
    // pprof keys rows by name alone: compare the functions whose name no other file shares.
    const bare = (row: Row) => row.name.replace(/ \(.*\)$/, '')
    const unique = rows.filter(
      (row) => rows.filter((other) => bare(other) === bare(row)).length === 1,
    )
    expect(unique.length).toBeGreaterThan(20)
    const expected = new Map(parsePprof(reading).map((row) => [row.name, row]))
    for (const row of unique) {
      const want = expected.get(bare(row))!
      expect(want).toBeDefined()
      expect(Math.abs(row.flat - want.flat)).toBeLessThanOrEqual(decimals / 2)
      for (const k of ['flatPct', 'cumPct'] as const)
        expect(Math.abs(row[k] - want[k])).toBeLessThanOrEqual(0.0051 + want[k] * 0.01)
    }
  })
})

interface PstatsFunction {
  file: string
  line: number
  name: string
  cc: number
  nc: number
  tt: number
  ct: number
}

describe('-t top against Python pstats (print_stats: ncalls tottime cumtime)', () => {
  const oracles = readdirSync(fixturePath('pstats')).filter((f) => f.endsWith('.oracle.json'))

  test.each(oracles)('%s: same functions, calls, self and total times', async (oracle) => {
    const o = JSON.parse(text(`pstats/${oracle}`))
    const files = (o.files as string[]).map((f) => fixturePath(`pstats/${f}`))
    const r = await cli([...files, '-t', 'top', '-q'])
    expect(r.code).toBe(0)
    const { rows, decimals } = parseOurs(r.stdout, 1e9) // back to seconds
    const byName = new Map(rows.map((row) => [row.name, row]))
    // Functions print_stats lists; profconv leaves out those with neither time nor calls.
    const listed = (o.functions as PstatsFunction[]).filter((f) => f.nc > 0 || f.ct > 0)
    expect(rows).toHaveLength(listed.length)
    for (const f of listed) {
      // pstats' builtins are `('~', 0, name)`, the profile module's own entries `('', 0, name)`
      // or `('profile', 0, name)`: no file, or no line.
      const where = f.line > 0 ? `${f.file}:${f.line}` : f.file
      const name = f.file === '~' || f.file === '' ? f.name : `${f.name} (${where})`
      const row = byName.get(name)
      expect(row).toBeDefined()
      // yappi stores a function's own counts swapped; profconv reads them the right way round.
      const [calls, primitive] = oracle.includes('yappi') ? [f.cc, f.nc] : [f.nc, f.cc]
      expect(row!.calls).toBe(calls === primitive ? String(calls) : `${calls}/${primitive}`)
      expect(Math.abs(row!.flat - f.tt)).toBeLessThanOrEqual(decimals / 2 + 1e-12)
      expect(Math.abs(row!.cum - f.ct)).toBeLessThanOrEqual(decimals / 2 + 1e-12)
    }
  })

  test('--sort calls puts the most called function first; --limit cuts the table', async () => {
    const r = await cli([
      fixturePath('pstats/recursion.prof'),
      '-t',
      'top',
      '--sort',
      'calls',
      '--limit',
      '2',
    ])
    const { rows } = parseOurs(r.stdout, 1e9)
    expect(rows.map((row) => row.calls)).toEqual(['22650/300', '22500/299'])
    expect(r.stdout).toMatch(/^time \(seconds\): top 2 of 10 functions/)
  })
})

describe('colour', () => {
  const args = [fixturePath('pstats/recursion.prof'), '-t', 'top']

  test('on a terminal only, and never with NO_COLOR or --no-color', async () => {
    expect((await cli(args)).stdout).not.toContain('\u001b[')
    expect((await cli(args, undefined, { stdout: { isTTY: true } as never })).stdout).toContain(
      '\u001b[1m',
    )
    const noColor = { stdout: { isTTY: true } as never, env: { NO_COLOR: '1' } }
    expect((await cli(args, undefined, noColor)).stdout).not.toContain('\u001b[')
    const flag = await cli([...args, '--no-color'], undefined, { stdout: { isTTY: true } as never })
    expect(flag.stdout).not.toContain('\u001b[')
    expect((await cli([...args, '--color'])).stdout).toContain('\u001b[1m')
  })
})

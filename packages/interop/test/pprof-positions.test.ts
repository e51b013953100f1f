import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, posix } from 'node:path'
import { readCallgrind } from '@profconv/callgrind'
import { convert, readInput } from '@profconv/core'
import { addressHex } from '@profconv/model'
import { describeWithTool, fixture, fixturePath, hasTool, run } from '@profconv/testkit'

// Position detail through pprof, checked with the real tools: `go tool pprof -top` at
// -lines, -filefunctions and -addresses granularity against callgrind_annotate's per-line and
// per file:function self, against go itself (pprof → pprof), and against perf's srclines.

const dir = mkdtempSync(join(tmpdir(), 'profconv-pprof-positions-'))
const empty = join(dir, 'empty')
mkdirSync(empty)
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
/** The callgrind fixtures name their sources where they were made; point them at this checkout's. */
const sources = dirname(fixturePath('callgrind/src/rec.c'))
const relocated = (text: string) => text.replace(/\/\S*?\/test-data\/callgrind\/src/g, sources)
/** A file name as go tool pprof prints it (cleaned: `./elf/./x.c` is `elf/x.c`). */
const clean = (file: string) => posix.normalize(file)

/** Writes `bytes` to a fresh file in the temporary folder; returns its path. */
function save(name: string, bytes: string | Uint8Array): string {
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

/** The whole `go tool pprof -top` text at a granularity, values exact. */
function goTop(file: string, granularity: string, extra: string[] = []): string {
  return run('go', [
    'tool',
    'pprof',
    '-top',
    granularity,
    '-nodecount=0',
    '-nodefraction=0',
    '-edgefraction=0',
    '-symbolize=none',
    ...extra,
    file,
  ])
}

/** Flat per row (`name file:line`, `address name …`) of a -top text; rows with none left out. */
function flatRows(text: string, unit = ''): Map<string, number> {
  const lines = text.split('\n')
  const out = new Map<string, number>()
  for (const line of lines.slice(lines.findIndex((l) => l.includes('flat%')) + 1)) {
    if (line.trim() === '') continue
    const t = line.trim().split(/\s+/)
    const flat = Number(t[0].slice(0, t[0].length - unit.length))
    if (flat === 0) continue
    const key = t
      .slice(5)
      .join(' ')
      .replace(/ \(inline\)$/, '')
    out.set(key, (out.get(key) ?? 0) + flat)
  }
  return out
}

const sorted = (m: Map<string, number>) => [...m].map(([k, v]) => `${k} = ${v}`).sort()

/** callgrind_annotate's output, run from an empty folder with a fixed Perl hash order. */
function annotate(file: string, args: string[]): string {
  return run('callgrind_annotate', ['--show-percs=no', '--threshold=100', ...args, file], {
    cwd: empty,
    env: { ...process.env, PERL_HASH_SEED: '0', PERL_PERTURB_KEYS: '0' },
  })
}

const figure = (t: string) => (t === '.' ? 0 : Number(t.replace(/,/g, '')))

/**
 * Self of event `event` (default the first) per `function file` (cleaned), from annotate's
 * file:function table.
 */
function annotateFileFunctions(text: string, event?: string): Map<string, number> {
  const lines = text.split('\n')
  const events = shownEvents(text)
  const column = event === undefined ? 0 : events.indexOf(event)
  expect(column).toBeGreaterThanOrEqual(0)
  const out = new Map<string, number>()
  for (const line of lines.slice(lines.findIndex((l) => / file:function$/.test(l)) + 2)) {
    if (line.trim() === '') break
    const m = new RegExp(`^\\s*${'(\\S+)\\s+'.repeat(events.length)}(.*)$`).exec(line)!
    const value = figure(m[1 + column])
    let rest = m[1 + events.length]
    if (rest.endsWith(']')) rest = rest.slice(0, rest.lastIndexOf(' ['))
    // The file holds no ':' (callgrind_annotate cuts names at the first one).
    const at = rest.indexOf(':')
    // Unknown files are `???` there, left out by go.
    const file = rest.slice(0, at)
    const key = file === '???' ? rest.slice(at + 1) : `${rest.slice(at + 1)} ${clean(file)}`
    if (value !== 0) out.set(key, (out.get(key) ?? 0) + value)
  }
  return out
}

/** The events callgrind_annotate shows, in its columns' order. */
function shownEvents(text: string): string[] {
  return text
    .split('\n')
    .find((l) => l.startsWith('Events shown:'))!
    .slice('Events shown:'.length)
    .trim()
    .split(/\s+/)
}

/** Self of the first event per `file:line` of every annotated source (`--auto=yes`). */
function annotateLines(text: string): Map<string, number> {
  const out = new Map<string, number>()
  const rule = '-'.repeat(80)
  const columns = new RegExp(`^\\s*${'(\\S+)\\s+'.repeat(shownEvents(text).length)}(=>)?`)
  const blocks = text.split('-- Auto-annotated source: ').slice(1)
  for (const block of blocks) {
    const lines = block.split('\n')
    const file = clean(lines[0].trim())
    // After the name: a rule, the events' header, a blank line, then one line per source line
    // (call lines `=> callee (Nx)` between them) up to a blank line and the next rule.
    let number = 0
    for (const line of lines.slice(4)) {
      if (line === rule || line === '') break
      const m = columns.exec(line)!
      if (m[m.length - 1]) continue
      number++
      const v = figure(m[1])
      if (v !== 0) out.set(`${file}:${number}`, (out.get(`${file}:${number}`) ?? 0) + v)
    }
  }
  return out
}

/** go's -lines rows (`name file:line`) summed per `file:line`, for files in `files`. */
function perLine(rows: Map<string, number>, files: Set<string>): Map<string, number> {
  const out = new Map<string, number>()
  for (const [key, v] of rows) {
    const where = key.slice(key.lastIndexOf(' ') + 1)
    if (!files.has(where.slice(0, where.lastIndexOf(':')))) continue
    out.set(where, (out.get(where) ?? 0) + v)
  }
  return out
}

// Every valgrind variant and yappi. (Not go's -callgrind output: callgrind_annotate counts the
// cost of its calls=0 arcs as the caller's self, see packages/callgrind/test/annotate.ts.)
const CALLGRIND = [
  'rec-plain',
  'rec-instr',
  'inlined-O2',
  'rdparser',
  'threads-01',
  'rec-recs',
  'rec-cache',
  'rec-cachegrind',
  'yappi',
]

// Every cost line's self reaches pprof whole, whatever the stacks estimated from the graph: the
// big CPython file (tens of thousands of stacks, many of a function's samples per line) lost
// 2.8 % of its total when a used-up sample's floating-point remainder kept taking ever smaller
// pieces of a line until they underflowed to nothing.
test.each(['cpython-json', ...CALLGRIND])(
  '%s → pprof: every (function, line) self and the total are the file’s',
  (name) => {
    const bytes = fixture(`callgrind/${name}.callgrind`)
    const want = new Map<string, number>()
    let total = 0
    for (const p of readCallgrind(bytes)) {
      const d = p.positions!
      for (let r = 0; r < d.lines.length; r++) {
        const v = d.lines.self[r * d.metricCount]
        const key = `${p.frames.get(d.lines.frame[r]).name}:${d.lines.line[r]}`
        want.set(key, (want.get(key) ?? 0) + v)
        total += v
      }
    }
    const { output } = convert(bytes, { to: 'pprof' })
    const got = new Map<string, number>()
    let sum = 0
    for (const p of readInput(output as Uint8Array).profiles) {
      const { tree, stack, values } = p.samples!
      const v = values[p.defaultMetric]
      for (let i = 0; i < stack.length; i++) {
        const key = `${p.frames.get(tree.frame(stack[i])).name}:${tree.line(stack[i])}`
        got.set(key, (got.get(key) ?? 0) + v[i])
        sum += v[i]
      }
    }
    expect(sum).toBe(total)
    for (const [key, v] of want) expect([key, Math.abs((got.get(key) ?? 0) - v)]).toEqual([key, 0])
  },
)

describeWithTool('callgrind_annotate', 'callgrind → pprof under go tool pprof', () => {
  const go = hasTool('go') || process.env.CI ? test : test.skip

  go.each(CALLGRIND)(
    '%s: -lines flat equals the annotated sources, -filefunctions the file:function table',
    (name) => {
      const text = relocated(decode(fixture(`callgrind/${name}.callgrind`)))
      const input = save(`${name}.callgrind`, text)
      const { output } = convert(new TextEncoder().encode(text), { to: 'pprof' })
      const pprof = save(`${name}.pb.gz`, output)
      // The first event (Ir) on both sides.
      const tableText = annotate(input, ['--auto=no'])
      const event = [`-sample_index=${shownEvents(tableText)[0]}`]
      const table = annotateFileFunctions(tableText)
      expect(sorted(flatRows(goTop(pprof, '-filefunctions', event)))).toEqual(sorted(table))
      const lines = annotateLines(annotate(input, ['--auto=yes', '--context=1000000']))
      const files = new Set([...lines.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))
      expect(files.size).toBeGreaterThan(0)
      const go = perLine(flatRows(goTop(pprof, '-lines', event)), files)
      expect(sorted(go)).toEqual(sorted(lines))
    },
  )

  go.each(['rec-instr', 'inlined-O2'])(
    '%s (--dump-instr=yes): -addresses flat equals the cost per instruction',
    (name) => {
      const bytes = fixture(`callgrind/${name}.callgrind`)
      const { output } = convert(bytes, { to: 'pprof' })
      const pprof = save(`${name}.addresses.pb.gz`, output)
      // The callgrind reader's rows (checked line for line against callgrind_annotate by the
      // callgrind package's tests) per instruction and function.
      const want = new Map<string, number>()
      for (const p of readCallgrind(bytes)) {
        const d = p.positions!
        for (let r = 0; r < d.lines.length; r++) {
          const v = d.lines.self[r * d.metricCount]
          if (v === 0) continue
          const address = addressHex(d.lines.addressHi[r], d.lines.addressLo[r]).padStart(16, '0')
          const file = d.files[d.lines.file[r]]
          const where = file === undefined ? '' : ` ${clean(file)}:${d.lines.line[r]}`
          const key = `${address} ${p.frames.get(d.lines.frame[r]).name}${where}`
          want.set(key, (want.get(key) ?? 0) + v)
        }
      }
      expect(sorted(flatRows(goTop(pprof, '-addresses')))).toEqual(sorted(want))
    },
  )
})

describeWithTool('go', 'pprof through profconv under go tool pprof', () => {
  test.each(['cpu', 'heap', 'node-wall', 'node-heap'])(
    'pprof → pprof: %s.pb.gz gives the same -top at every granularity',
    (name) => {
      const original = fixturePath(`pprof/${name}.pb.gz`)
      const { output } = convert(fixture(`pprof/${name}.pb.gz`), { to: 'pprof' })
      const copy = save(`${name}.copy.pb.gz`, output)
      for (const g of ['-addresses', '-lines', '-filefunctions', '-functions'])
        expect(goTop(copy, g)).toEqual(goTop(original, g))
    },
  )

  test('perf script -F +srcline (kernel frames too) → pprof: -lines flat equals the leaf srclines', () => {
    const text = decode(fixture('perf/srcline.perf-script.txt'))
    // The leaf frame of each sample (`addr sym+off (dso)`) and its srcline under it.
    const want = new Map<string, number>()
    const wantAddresses = new Map<string, number>()
    for (const block of text.split(/\n\s*\n/)) {
      const lines = block.split('\n').filter((l) => l.trim() !== '')
      if (lines.length < 3) continue
      const period = Number(/\s(\d+)\s+cpu-clock:/.exec(lines[0])![1])
      const [, ip, symbol] = /^\s*([0-9a-f]+) (.+?)\+0x[0-9a-f]+ \(/.exec(lines[1])!
      const srcline = lines[2].trim()
      // Kernel srclines (`[kernel.kallsyms][ffffffff…]`) know no file or line.
      const where = /^\[.*\]\[[0-9a-f]+\]$/.test(srcline) ? '' : ` ${srcline}`
      const add = (m: Map<string, number>, key: string) => m.set(key, (m.get(key) ?? 0) + period)
      add(want, `${symbol}${where}`)
      add(wantAddresses, `${ip.padStart(16, '0')} ${symbol}${where}`)
    }
    expect(want.size).toBeGreaterThan(2)
    expect([...wantAddresses.keys()].some((k) => k.startsWith('ffffffff8'))).toBe(true)
    const { output } = convert(fixture('perf/srcline.perf-script.txt'), { to: 'pprof' })
    const file = save('srcline.pb.gz', output)
    const got = flatRows(goTop(file, '-lines', ['-unit=ns']), 'ns')
    expect(sorted(got)).toEqual(sorted(want))
    // Kernel addresses lie beyond 2^53: go shows them exactly.
    const addresses = flatRows(goTop(file, '-addresses', ['-unit=ns']), 'ns')
    expect(sorted(addresses)).toEqual(sorted(wantAddresses))
  })
})

describeWithTool('callgrind_annotate', 'pprof → callgrind under callgrind_annotate', () => {
  const go = hasTool('go') || process.env.CI ? test : test.skip
  go.each([
    ['cpu', 'cpu'],
    ['node-wall', 'wall'],
  ])(
    '%s.pb.gz: file:function rows of %s equal -filefunctions, annotated lines -lines',
    (name, event) => {
      const original = fixturePath(`pprof/${name}.pb.gz`)
      const { output } = convert(fixture(`pprof/${name}.pb.gz`), { to: 'callgrind' })
      // The profiles name their sources where they were made; point them at this checkout's.
      const here = dirname(fixturePath('pprof/src/node/prof.cjs'))
      const moved = (text: string) =>
        text
          .replace(/\/\S*?\/test-data\/pprof\/src/g, dirname(here))
          .replace(/\/tmp\/tmp\.\w+\/prof\.cjs/g, `${here}/prof.cjs`)
      const input = save(`${name}.callgrind`, moved(decode(output as Uint8Array)))
      const options = [`-sample_index=${event}`, '-unit=ns']
      const table = annotateFileFunctions(annotate(input, ['--auto=no']), event)
      const want = new Map<string, number>()
      for (const [key, v] of flatRows(goTop(original, '-filefunctions', options), 'ns'))
        want.set(moved(key), v)
      expect(sorted(table)).toEqual(sorted(want))
      const lines = annotateLines(
        annotate(input, ['--auto=yes', '--context=1000000', `--show=${event}`]),
      )
      const files = new Set([...lines.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))
      expect(files.size).toBeGreaterThan(0)
      const goLines = new Map<string, number>()
      for (const [key, v] of flatRows(goTop(original, '-lines', options), 'ns'))
        goLines.set(moved(key), v)
      expect(sorted(perLine(goLines, files))).toEqual(sorted(lines))
    },
  )
})

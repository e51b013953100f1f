import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  checkPositions,
  dumpGraph,
  dumpPositions,
  mergeProfiles,
  type Profile,
} from '@profconv/model'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'
import { readCallgrind, writeCallgrind } from '../src/index.js'
import { FIXTURES } from './fixtures.js'

const encode = (text: string) => new TextEncoder().encode(text)
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** Self cost per (file, line), summed over functions: what callgrind_annotate annotates. */
function perLine(profiles: Profile[]): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const p of profiles) {
    const d = p.positions!
    const M = d.metricCount
    for (let r = 0; r < d.lines.length; r++) {
      const key = `${d.files[d.lines.file[r]] ?? '???'}:${d.lines.line[r]}`
      const sum = out.get(key) ?? new Array<number>(M).fill(0)
      for (let m = 0; m < M; m++) sum[m] += d.lines.self[r * M + m]
      out.set(key, sum)
    }
  }
  return out
}

describe('positions read from callgrind files', () => {
  test.each(FIXTURES)('%s: rows add up to the graph, and write → read keeps them', (name) => {
    for (const p of readCallgrind(fixture(`callgrind/${name}.callgrind`))) {
      expect(p.positions).toBeDefined()
      checkPositions(p.positions!, p.graph!, 'callgrind')
      const [back] = readCallgrind(encode(writeCallgrind(p)))
      expect(back.metrics).toEqual(p.metrics)
      expect(dumpGraph(back)).toEqual(dumpGraph(p))
      expect(dumpPositions(back)).toEqual(dumpPositions(p))
    }
  })

  test('inlined header code (fi=/fe=) keeps its own file; --dump-instr keeps addresses', () => {
    const [p] = readCallgrind(fixture('callgrind/inlined-O2.callgrind'))
    const d = p.positions!
    expect(d.hasAddresses).toBe(true)
    const work = p.frames.frames.findIndex((f) => f.name === 'work')
    const files = new Set<string>()
    for (let r = 0; r < d.lines.length; r++)
      if (d.lines.frame[r] === work) files.add(d.files[d.lines.file[r]].replace(/.*\//, ''))
    expect([...files].sort()).toEqual(['inlined.c', 'vec.h'])
  })

  test('without positions: the same graph, no detail', () => {
    const bytes = fixture('callgrind/rec-instr.callgrind')
    const [lean] = readCallgrind(bytes, { positions: false })
    const [full] = readCallgrind(bytes)
    expect(lean.positions).toBeUndefined()
    expect(dumpGraph(lean)).toEqual(dumpGraph(full))
  })

  test('--collect-jumps: jump lines are dropped with a note', () => {
    const [p] = readCallgrind(fixture('callgrind/rec-instr.callgrind'))
    expect(p.meta.notes.some((n) => /jump=\/jcnd= lines .* dropped/.test(n))).toBe(true)
  })

  test('subpositions: +N -N * are relative to the last cost line, not to a call target', () => {
    const text = [
      'positions: instr line',
      'events: Ir',
      'fl=a.c',
      'fn=main',
      '0x10 5 1',
      '+2 +1 2',
      'cfi=b.c',
      'cfn=f',
      'calls=3 0x400 90',
      '+2 * 10',
      '* -2 4',
      'fl=b.c',
      'fn=f',
      '0x400 90 10',
    ].join('\n')
    const [p] = readCallgrind(encode(text))
    expect(dumpPositions(p).split('\n')).toEqual([
      'at f (b.c) b.c:90 @400 = 10',
      'at main (a.c) a.c:4 @14 = 4',
      'at main (a.c) a.c:5 @10 = 1',
      'at main (a.c) a.c:6 @12 = 2',
      'site main (a.c) -> f (b.c) a.c:6 @14 = 10 x3',
    ])
  })

  test('thread files given together: every line costs the sum of the inputs', () => {
    const inputs = ['threads-01', 'threads-02', 'threads-03'].flatMap((n) =>
      readCallgrind(fixture(`callgrind/${n}.callgrind`)),
    )
    const merged = mergeProfiles(inputs)
    const back = readCallgrind(encode(writeCallgrind(merged)))
    expect(back).toHaveLength(1)
    const want = perLine(inputs)
    const got = perLine(back)
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort())
    for (const [key, values] of want) expect(got.get(key)).toEqual(values)
  })
})

/** callgrind_annotate's output from its PROGRAM TOTALS on, run from an empty folder. */
function annotate(file: string, args: string[]): string {
  const text = run('callgrind_annotate', [...args, file], {
    cwd: empty,
    env: { ...process.env, PERL_HASH_SEED: '0', PERL_PERTURB_KEYS: '0' },
  })
  return text.slice(text.indexOf('PROGRAM TOTALS'))
}

/** The output's blocks (between rules) sorted: its file order follows Perl's hash order. */
function sortedBlocks(text: string): string[] {
  return text.split(`${'-'.repeat(80)}\n`).sort()
}

const dir = mkdtempSync(join(tmpdir(), 'profconv-callgrind-lines-'))
const empty = join(dir, 'empty')
mkdirSync(empty)
/** The fixtures name their sources where they were made; point them at this checkout's. */
const sources = dirname(fixturePath('callgrind/src/rec.c'))
const relocated = (text: string) => text.replace(/\/\S*?\/test-data\/callgrind\/src/g, sources)

describeWithTool('callgrind_annotate', 'callgrind → callgrind under callgrind_annotate', () => {
  // rec-parts holds three parts, which callgrind_annotate reads as one file (with warnings).
  test.each(FIXTURES.filter((n) => n !== 'rec-parts'))(
    '%s: tables and annotated sources identical for input and output',
    (name) => {
      const input = join(dir, `${name}.in.callgrind`)
      const output = join(dir, `${name}.out.callgrind`)
      writeFileSync(input, relocated(decode(fixture(`callgrind/${name}.callgrind`))))
      const [p] = readCallgrind(fixture(`callgrind/${name}.callgrind`))
      writeFileSync(output, relocated(writeCallgrind(p)))
      for (const inclusive of ['no', 'yes']) {
        const args = ['--auto=no', '--threshold=100', `--inclusive=${inclusive}`]
        expect(annotate(output, args)).toEqual(annotate(input, args))
        const auto = ['--auto=yes', '--context=1000000', `--inclusive=${inclusive}`]
        expect(sortedBlocks(annotate(output, auto))).toEqual(sortedBlocks(annotate(input, auto)))
      }
    },
  )

  test('the annotated sources are there: rec.c, and vec.h inlined under -O2', () => {
    const input = join(dir, 'inlined.in.callgrind')
    writeFileSync(input, relocated(decode(fixture('callgrind/inlined-O2.callgrind'))))
    const text = annotate(input, ['--auto=yes'])
    expect(text).toContain(`-- Auto-annotated source: ${sources}/vec.h`)
    expect(text).toContain(`-- Auto-annotated source: ${sources}/inlined.c`)
  })
})

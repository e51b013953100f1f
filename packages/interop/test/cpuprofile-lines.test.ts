import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { convert } from '@profconv/core'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'

// A real `node --cpu-prof` profile's positionTicks (self ticks per line of each node), read
// by profconv and written as pprof and callgrind: the real tools' line views show, per
// (file, line), the ticks the file holds (samples beyond a node's ticks have no line).

interface RawNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
  positionTicks?: { line: number; ticks: number }[]
}
interface RawProfile {
  nodes: RawNode[]
  samples: number[]
}

const URL = 'file:///work/main/test-data/cpuprofile/workload.js'
const raw = JSON.parse(
  new TextDecoder().decode(fixture('cpuprofile/workload.cpuprofile')),
) as RawProfile

/**
 * From the JSON alone: samples per `function:line` of the workload's own file (line 0: a node's
 * samples beyond its ticks) and per line of that file.
 */
function expectedTicks(): { byFunctionLine: Map<string, number>; byLine: Map<number, number> } {
  const counted = new Map<number, number>()
  for (const id of raw.samples) counted.set(id, (counted.get(id) ?? 0) + 1)
  const byFunctionLine = new Map<string, number>()
  const byLine = new Map<number, number>()
  const add = <K>(map: Map<K, number>, key: K, n: number) => map.set(key, (map.get(key) ?? 0) + n)
  for (const node of raw.nodes) {
    const samples = counted.get(node.id) ?? 0
    if (samples === 0 || node.callFrame.url !== URL) continue
    const name = node.callFrame.functionName || '(anonymous)'
    let rest = samples
    for (const { line, ticks } of node.positionTicks ?? []) {
      add(byFunctionLine, `${name}:${line}`, ticks)
      add(byLine, line, ticks)
      rest -= ticks
    }
    if (rest > 0) {
      add(byFunctionLine, `${name}:0`, rest)
      add(byLine, 0, rest)
    }
  }
  return { byFunctionLine, byLine }
}

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'profconv-cpuprofile-lines-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describeWithTool('go', 'cpuprofile positionTicks in go tool pprof -lines', () => {
  test('per function and line, the samples are the file’s ticks', () => {
    const out = join(dir, 'workload.pb.gz')
    const { output } = convert(fixture('cpuprofile/workload.cpuprofile'), {
      to: 'pprof',
      positions: true,
    })
    writeFileSync(out, output)
    const text = run('go', [
      'tool',
      'pprof',
      '-top',
      '-lines',
      '-sample_index=samples',
      '-nodefraction=0',
      '-edgefraction=0',
      '-nodecount=0',
      '-symbolize=none',
      out,
    ])
    // Rows: `flat flat% sum% cum cum% name file[:line]`; go cleans file:/// to file:/.
    const ours = new Map<string, number>()
    for (const row of text.split('\n')) {
      const m = /^\s*(\d+)\s+\S+%\s+\S+%\s+\d+\s+\S+%\s+(.+) file:\S*workload\.js(?::(\d+))?$/.exec(
        row,
      )
      if (m && Number(m[1]) > 0) ours.set(`${m[2]}:${m[3] ?? 0}`, Number(m[1]))
    }
    expect(ours).toEqual(expectedTicks().byFunctionLine)
    expect(ours.size).toBeGreaterThan(10)
  })
})

describeWithTool('callgrind_annotate', 'cpuprofile positionTicks in callgrind_annotate', () => {
  test('every line of the source shows the file’s ticks there', () => {
    // callgrind_annotate cuts file names at their first ':' and needs the source on disk: the
    // workload's file:// URL becomes the path of a copy of it.
    const source = join(dir, 'workload.js')
    writeFileSync(source, readFileSync(fixturePath('cpuprofile/workload.js')))
    const input = new TextDecoder()
      .decode(fixture('cpuprofile/workload.cpuprofile'))
      .replaceAll(URL, source)
    const out = join(dir, 'workload.callgrind')
    writeFileSync(out, convert(new TextEncoder().encode(input), { to: 'callgrind' }).output)
    // Run from an empty folder: callgrind_annotate strips its working folder from file names.
    const cwd = join(dir, 'empty')
    mkdirSync(cwd)
    const text = run('callgrind_annotate', ['--auto=yes', '--show-percs=no', out], {
      cwd,
      env: { ...process.env, PERL_HASH_SEED: '0', PERL_PERTURB_KEYS: '0' },
    })
    expect(text).toMatch(/^Events shown:\s+time samples$/m)
    const annotated = text.slice(text.indexOf(`-- Auto-annotated source: ${source}`))
    // After the 4 header lines: `time samples  <source>` per line, `-- line N --` where cut,
    // then the costs at no line (line 0).
    const ours = new Map<number, number>()
    let line = 0
    for (const row of annotated.split('\n').slice(4)) {
      const jump = /^-- line (\d+) -/.exec(row)
      if (jump) {
        line = Number(jump[1]) - 1
        continue
      }
      if (row.startsWith('----')) break
      line = row.includes('<counts for unidentified lines') ? 0 : line + 1
      const m = /^\s*([\d,]+|\.)\s+([\d,]+|\.)\s{2}/.exec(row)
      if (m && m[2] !== '.') ours.set(line, Number(m[2].replace(/,/g, '')))
    }
    expect(ours).toEqual(expectedTicks().byLine)
  })
})

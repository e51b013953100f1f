import { readFileSync } from 'node:fs'
import { convert, getFormat, keepsPositions, prepareFor, readInput } from '@profconv/core'
import {
  frameText,
  mergeProfiles,
  nanosecondsPer,
  unitView,
  type Granularity,
} from '@profconv/model'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'

// `-t top --granularity G` equals `go tool pprof -top -G -nodecount=0`: the same rows (name,
// flat, cum, exactly, in the same order) on every pprof fixture, for every sample type at
// -lines and for the default sample type at -files, -filefunctions and (where the profile
// carries addresses) -addresses.

const FIXTURES = ['cpu', 'heap', 'node-wall', 'node-heap']
const top = getFormat('top')

function read(file: string, granularity: Granularity) {
  const positions = keepsPositions(top, undefined, granularity)
  return mergeProfiles(readInput(fixture(`pprof/${file}.pb.gz`), { positions }).profiles)
}

/** Rows `flat cum name` of go tool pprof's -top, values in the sample type's own unit. */
function goTop(file: string, granularity: Granularity, metric: string, unit: string): string[] {
  const scale = unit === 'nanoseconds' ? ['-unit=ns'] : unit === 'bytes' ? ['-unit=B'] : []
  const text = run('go', [
    'tool',
    'pprof',
    '-top',
    `-${granularity}`,
    '-nodecount=0',
    '-nodefraction=0',
    '-edgefraction=0',
    '-symbolize=none',
    ...scale,
    `-sample_index=${metric}`,
    fixturePath(`pprof/${file}.pb.gz`),
  ])
  const lines = text.split('\n')
  return lines
    .slice(lines.findIndex((l) => /^\s*flat\s+flat%/.test(l)) + 1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const t = l.trim().split(/\s+/)
      const value = (v: string) => (v === '0' ? '0' : v.replace(/[a-zA-Z]+$/, ''))
      // go marks nodes reached only (or partly) through inlining; the node is the same.
      const name = t
        .slice(5)
        .join(' ')
        .replace(/ \((partial-)?inline\)$/, '')
      return `${value(t[0])} ${value(t[3])} ${name}`
    })
}

/** The same rows as profconv's -t top prints them (its order, its numbers unscaled). */
function ourTop(file: string, granularity: Granularity, metric: string): string[] {
  const profile = prepareFor(top, read(file, granularity), granularity)
  const m = profile.metrics.findIndex((x) => x.name === metric)
  const per = nanosecondsPer(profile.metrics[m].unit) ?? 1
  const nodes = new Map(
    profile.graph!.nodes.map((n) => [frameText(profile.frames.get(n.frame)), n]),
  )
  const { output } = convert(fixture(`pprof/${file}.pb.gz`), {
    to: 'top',
    granularity,
    metric,
  })
  // The table's rows: five numeric cells, then the name.
  const names = (output as string)
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/).slice(5).join(' '))
  return names.map((name) => {
    const n = nodes.get(name)!
    return `${Math.round(n.self[m] * per)} ${Math.round(n.total[m] * per)} ${name}`
  })
}

function cases(): [string, Granularity, string, string][] {
  const out: [string, Granularity, string, string][] = []
  for (const file of FIXTURES) {
    const p = read(file, 'addresses')
    const byDefault = p.metrics[p.defaultMetric]
    for (const metric of p.metrics) out.push([file, 'lines', metric.name, metric.unit])
    const granularities: Granularity[] = ['files', 'filefunctions']
    let addresses = false
    const tree = p.samples!.tree
    for (let n = 0; n < tree.length && !addresses; n++)
      addresses = tree.addressLo(n) !== 0 || tree.addressHi(n) !== 0
    if (addresses) granularities.push('addresses')
    for (const g of granularities) out.push([file, g, byDefault.name, byDefault.unit])
  }
  return out
}

describeWithTool('go', '-t top --granularity equals go tool pprof -top -<granularity>', () => {
  test.each(cases())('%s -%s (%s)', (file, granularity, metric, unit) => {
    const go = goTop(file, granularity, metric, unit)
    expect(go.length).toBeGreaterThan(0)
    expect(ourTop(file, granularity, metric)).toEqual(go)
  })
})

// From a call graph with lines (callgrind), self costs regroup exactly: `-g filefunctions` per
// (file, function) and `-g files` per file equal the `file:function` rows of
// callgrind_annotate (the readings scripts/fixtures-callgrind.sh committed beside each file),
// code inlined from a header counted under the header as callgrind_annotate counts it.
describe('--granularity filefunctions/files on callgrind equal callgrind_annotate rows', () => {
  /** `file:function` → self of the first event, from a committed callgrind_annotate reading. */
  function annotateRows(name: string, byFile: boolean): Record<string, number> {
    const text = readFileSync(fixturePath(`callgrind/${name}.self.txt`), 'utf8')
    const lines = text.split('\n')
    const start = lines.findIndex((l) => /\sfile:function$/.test(l)) + 2
    const out: Record<string, number> = {}
    for (const l of lines.slice(start)) {
      // One cost column per event (`.` for none), then `file:function [object]`.
      const cells = l.trim().split(/\s+/)
      let at = 0
      while (at < cells.length && /^([\d,]+|\.)$/.test(cells[at])) at++
      if (at === 0 || at === cells.length) continue
      const m = /^([^:]*):(.*?)(?: \[[^\]]*\])?$/.exec(cells.slice(at).join(' '))
      if (!m) continue
      const key = byFile ? m[1] : `${m[1]}:${m[2]}`
      const v = cells[0] === '.' ? 0 : Number(cells[0].replace(/,/g, ''))
      if (v !== 0) out[key] = (out[key] ?? 0) + v
    }
    return out
  }

  function ours(name: string, granularity: Granularity): Record<string, number> {
    const { profiles } = readInput(fixture(`callgrind/${name}.callgrind`), { positions: true })
    const view = unitView(mergeProfiles(profiles), granularity)
    const p = prepareFor(top, view.profile)
    const out: Record<string, number> = {}
    for (const node of p.graph!.nodes) {
      const u = node.frame
      const file = view.units.file[u] < 0 ? '???' : view.units.files[view.units.file[u]]
      const f = view.units.frame[u]
      const key = f < 0 ? file : `${file}:${profiles[0].frames.get(f).name}`
      const v = node.self[0]
      if (v !== 0) out[key] = (out[key] ?? 0) + v
    }
    return out
  }

  test.each(['rec-plain', 'rec-cache', 'rec-recs', 'inlined-O2', 'threads-01', 'yappi'])(
    '%s',
    (name) => {
      const rows = annotateRows(name, false)
      expect(Object.keys(rows).length).toBeGreaterThan(2)
      expect(ours(name, 'filefunctions')).toEqual(rows)
      expect(ours(name, 'files')).toEqual(annotateRows(name, true))
    },
  )
})

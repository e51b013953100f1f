import { convert, getFormat, keepsPositions, prepareFor, readInput } from '@profconv/core'
import { frameText, mergeProfiles, nanosecondsPer, type Granularity } from '@profconv/model'
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

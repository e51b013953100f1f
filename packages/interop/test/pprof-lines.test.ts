import { readCallgrind } from '@profconv/callgrind'
import { convert } from '@profconv/core'
import { nanosecondsPer } from '@profconv/model'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'

// pprof → callgrind keeps the source line of every sample: the self cost per (function, file,
// line) in the callgrind file equals `go tool pprof -top -lines` flat, and the rows sum to
// pprof's total.

/** Flat per `name file:line` (nanoseconds, rows with none left out) as go tool pprof shows it. */
function goLines(file: string, metric: string): { rows: string[]; total: number } {
  const text = run('go', [
    'tool',
    'pprof',
    '-top',
    '-lines',
    '-nodecount=0',
    '-nodefraction=0',
    '-symbolize=none',
    '-unit=ns',
    `-sample_index=${metric}`,
    file,
  ])
  const total = Number(/of (\d+)ns total/.exec(text)![1])
  const lines = text.split('\n')
  const rows = lines
    .slice(lines.findIndex((l) => l.includes('flat%')) + 1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.trim().split(/\s+/))
    .filter((t) => t[0] !== '0')
    // go marks frames inlined into their caller "(inline)"; the line is the same.
    .map(
      (t) =>
        `${t[0].replace(/ns$/, '')} ${t
          .slice(5)
          .join(' ')
          .replace(/ \(inline\)$/, '')}`,
    )
  return { rows: rows.sort(), total }
}

/** The same from the callgrind profconv writes, read back with its position detail. */
function callgrindLines(file: string, metric: string): { rows: string[]; total: number } {
  const { output } = convert(fixture(file), { to: 'callgrind' })
  const [p] = readCallgrind(output as Uint8Array)
  const d = p.positions!
  const m = p.metrics.findIndex((x) => x.name === metric)
  const ns = nanosecondsPer(p.metrics[m].unit) ?? 1
  const sums = new Map<string, number>()
  let total = 0
  for (let r = 0; r < d.lines.length; r++) {
    const name = p.frames.get(d.lines.frame[r]).name
    const f = d.lines.file[r]
    const key = f < 0 ? name : `${name} ${d.files[f]}:${d.lines.line[r]}`
    const v = d.lines.self[r * d.metricCount + m] * ns
    sums.set(key, (sums.get(key) ?? 0) + v)
    total += v
  }
  const rows = [...sums].filter(([, v]) => v !== 0).map(([k, v]) => `${Math.round(v)} ${k}`)
  return { rows: rows.sort(), total }
}

describeWithTool('go', 'pprof → callgrind keeps lines (go tool pprof -top -lines)', () => {
  test.each([
    ['pprof/cpu.pb.gz', 'cpu'],
    ['pprof/node-wall.pb.gz', 'wall'],
  ])('%s (%s): per-line flat and total equal', (file, metric) => {
    const go = goLines(fixturePath(file), metric)
    const ours = callgrindLines(file, metric)
    expect(ours.rows).toEqual(go.rows)
    expect(ours.total).toBe(go.total)
  })
})

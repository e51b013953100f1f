import { nanosecondsPer } from '@profconv/model'
import type { ProfileSummary } from './summary.js'

/**
 * `profconv info` as text (the CLI and the web page show it): one block per profile, a label
 * column and values. Totals are exact (as the source holds them), with a readable time in
 * parentheses for time metrics.
 */
export function infoText(title: string, s: ProfileSummary): string {
  const rows: [string, string][] = [['format', `${s.format} (${s.views.join(' and ')} view)`]]
  if (s.name) rows.push(['name', s.name])
  const width = Math.max(...s.metrics.map((m) => m.name.length))
  const unitWidth = Math.max(...s.metrics.map((m) => m.unit.length))
  s.metrics.forEach((m, i) => {
    const human = readableTime(m.total, m.unit)
    rows.push([
      i === 0 ? 'metrics' : '',
      `${m.name.padEnd(width)}  ${m.unit.padEnd(unitWidth)}  total ${exact(m.total)}${human ? ` (${human})` : ''}${m.default ? '  [default]' : ''}`,
    ])
  })
  rows.push(['functions', String(s.functions)])
  rows.push(['edges', String(s.edges)])
  if (s.samples !== undefined) rows.push(['samples', String(s.samples)])
  if (s.stackNodes !== undefined) rows.push(['stack nodes', String(s.stackNodes)])
  if (s.calls !== undefined)
    rows.push([
      'calls',
      s.primitiveCalls !== undefined && s.primitiveCalls !== s.calls
        ? `${s.calls} (${s.primitiveCalls} primitive)`
        : String(s.calls),
    ])
  if (s.startTime !== undefined) rows.push(['start', new Date(s.startTime).toISOString()])
  if (s.duration !== undefined) rows.push(['duration', readableTime(s.duration, 'nanoseconds')!])
  if (s.sampleSpan !== undefined)
    rows.push(['sample span', readableTime(s.sampleSpan, 'nanoseconds')!])
  if (s.period)
    rows.push([
      'period',
      `${exact(s.period.value)} ${s.period.metric.unit} of ${s.period.metric.name}`,
    ])
  s.comments.forEach((c, i) => rows.push([i === 0 ? 'comments' : '', c]))
  s.notes.forEach((n, i) => rows.push([i === 0 ? 'notes' : '', n]))
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(12)} ${value}`)].join('\n')
}

/** Integers as they are; fractions to 9 significant digits (pstats seconds). */
function exact(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(9)))
}

/** A time in the largest unit that keeps it ≥ 1 (`1.11 s`, `320 ms`); undefined for other units. */
export function readableTime(value: number, unit: string): string | undefined {
  const per = nanosecondsPer(unit)
  if (per === undefined) return undefined
  const ns = value * per
  const [size, name] =
    Math.abs(ns) >= 1e9
      ? [1e9, 's']
      : Math.abs(ns) >= 1e6
        ? [1e6, 'ms']
        : Math.abs(ns) >= 1e3
          ? [1e3, 'µs']
          : [1, 'ns']
  return `${Number((ns / size).toPrecision(3))} ${name}`
}

import type { Metric } from '@profconv/model'
import { type Json, arrayOr, isObject } from './json.js'

/** The label of the `meta.extra` entries in which profconv names each thread's metric. */
export const METRIC_LABEL = 'Metric of thread'

/** The `meta.extra` entry naming thread `index`'s metric: `Metric of thread 2` = `cpu (nanoseconds)`. */
export function metricEntry(index: number, metric: Metric) {
  return {
    label: `${METRIC_LABEL} ${index}`,
    format: 'string',
    value: `${metric.name} (${metric.unit})`,
  }
}

/** The metrics a profconv-written file names for its threads, by thread index. */
export function writtenMetrics(meta: Json): Map<number, Metric> {
  const out = new Map<number, Metric>()
  for (const section of arrayOr(meta.extra) ?? []) {
    if (!isObject(section) || section.label !== 'profconv') continue
    for (const entry of arrayOr(section.entries) ?? []) {
      if (!isObject(entry) || typeof entry.label !== 'string' || typeof entry.value !== 'string')
        continue
      const index = /^Metric of thread (\d+)$/.exec(entry.label)
      const metric = /^(.*) \(([^()]*)\)$/s.exec(entry.value)
      if (index && metric) out.set(Number(index[1]), { name: metric[1], unit: metric[2] })
    }
  }
  return out
}

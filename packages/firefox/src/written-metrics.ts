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

/** The `meta.extra` entry saying the sample times are profconv's layout, not the source's. */
export const LAID_OUT = {
  label: 'Sample times',
  format: 'string',
  value: 'laid out by profconv: the source has none',
}

/**
 * What a profconv-written file says of itself in `meta.extra`: each thread's metric (by thread
 * index), and whether the sample times are only a layout.
 */
export function writtenMetrics(meta: Json): { metrics: Map<number, Metric>; laidOut: boolean } {
  const out = new Map<number, Metric>()
  let laidOut = false
  for (const section of arrayOr(meta.extra) ?? []) {
    if (!isObject(section) || section.label !== 'profconv') continue
    for (const entry of arrayOr(section.entries) ?? []) {
      if (!isObject(entry) || typeof entry.label !== 'string' || typeof entry.value !== 'string')
        continue
      if (entry.label === LAID_OUT.label && entry.value === LAID_OUT.value) laidOut = true
      const index = /^Metric of thread (\d+)$/.exec(entry.label)
      const metric = /^(.*) \(([^()]*)\)$/s.exec(entry.value)
      if (index && metric) out.set(Number(index[1]), { name: metric[1], unit: metric[2] })
    }
  }
  return { metrics: out, laidOut }
}

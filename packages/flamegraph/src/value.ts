import { nanosecondsPer, type Metric } from '@profconv/model'

const TIME_STEPS: [number, string][] = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
]

/**
 * How values of `metric` read in a box's title: times in the largest of s, ms, µs, ns that the
 * value reaches (`1.25 ms`), bytes in B, KiB, MiB, GiB, counts as whole numbers with thousands
 * separators and the metric's name (`1,234 samples`, `12,345 Ir`), two decimals when not whole
 * (stacks estimated from a call graph).
 */
export function formatValue(metric: Metric, _total: number): (value: number) => string {
  const perNs = nanosecondsPer(metric.unit)
  if (perNs !== undefined) {
    return (v) => {
      const ns = v * perNs
      const [size, name] = TIME_STEPS.find(([size]) => Math.abs(ns) >= size) ?? TIME_STEPS[3]
      return `${trim((ns / size).toFixed(size === 1 ? 0 : 3))} ${name}`
    }
  }
  if (metric.unit === 'bytes') {
    return (v) => {
      const steps: [number, string][] = [
        [2 ** 30, 'GiB'],
        [2 ** 20, 'MiB'],
        [2 ** 10, 'KiB'],
      ]
      const step = steps.find(([size]) => Math.abs(v) >= size)
      return step ? `${trim((v / step[0]).toFixed(2))} ${step[1]}` : `${count(v)} B`
    }
  }
  const word = metric.unit === 'count' || metric.unit === '' ? metric.name : metric.unit
  return (v) => `${count(v)} ${word}`
}

function count(v: number): string {
  const whole = Math.abs(v - Math.round(v)) < 1e-9 * Math.max(1, Math.abs(v))
  return whole
    ? Math.round(v).toLocaleString('en-US')
    : v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
}

/** `1.500` → `1.5`, `2.000` → `2`. */
function trim(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text
}

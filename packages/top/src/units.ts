import { nanosecondsPer } from '@profconv/model'

/** How one table shows the values of a metric: a unit symbol and a number format. */
export interface ColumnUnit {
  /** Shown in the header: `ms`, `B`, or empty for plain counts. */
  readonly symbol: string
  format(value: number): string
}

const TIME_STEPS: [number, string][] = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
]

/**
 * The unit a table column shows `values` of `unit` in. Times take the largest of s, ms, µs, ns
 * in which the profile's `total` is at least 1, with three decimals unless every value is whole
 * in that unit; bytes and counts are shown as they are (whole, or two decimals for estimates).
 */
export function columnUnit(unit: string, values: ArrayLike<number>, total: number): ColumnUnit {
  const perNs = nanosecondsPer(unit)
  let scale = 1
  let symbol = unit === 'bytes' ? 'B' : unit === 'count' ? '' : unit
  if (perNs !== undefined) {
    const ns = Math.abs(total) * perNs
    const [size, name] = TIME_STEPS.find(([size]) => ns >= size) ?? TIME_STEPS[3]
    scale = perNs / size
    symbol = name
  }
  const scaled = (v: number) => v * scale
  let whole = true
  for (let i = 0; i < values.length && whole; i++) whole = isWhole(scaled(values[i]))
  const decimals = whole ? 0 : perNs !== undefined ? 3 : 2
  return { symbol, format: (v) => fixed(scaled(v), decimals) }
}

/** A percentage with two decimals: `48.48%`. */
export function formatPercent(percent: number): string {
  return `${fixed(percent, 2)}%`
}

function fixed(value: number, decimals: number): string {
  const text = value.toFixed(decimals)
  // No "-0.00": only a negative text can be one, so most cells skip the regex.
  return text.startsWith('-') && /^-0(\.0*)?$/.test(text) ? text.slice(1) : text
}

/** Whole up to floating-point noise (0.1 s × 1000 is not exactly 100 ms). */
function isWhole(value: number): boolean {
  return Math.abs(value - Math.round(value)) < 1e-6 * Math.max(1, Math.abs(value))
}

import { nanosecondsPer, type Frame, type Metric } from '@profconv/model'

/** Names longer than this are cut in the label (with `…`) and kept whole in the tooltip. */
export const MAX_LABEL_NAME = 4096

/**
 * The function name as gprof2dot shows it. Python frames (pstats) read `module:line:function`,
 * the module being the file's base name without extension (builtins: `~:0:name`); other frames
 * show the bare name.
 */
export function displayName(frame: Frame, python: boolean): string {
  if (!python) return frame.name
  const module = frame.file === undefined ? '~' : baseName(frame.file).replace(/\.[^.]*$/, '')
  return `${module}:${frame.line ?? 0}:${frame.name}`
}

export function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1)
}

/**
 * A C++ demangled name without its argument lists, a trailing `const` and template arguments
 * (`ns::f<int>(char const*) const` → `ns::f`), as gprof2dot's `--strip`. Iterative: nesting of
 * any depth is removed innermost first.
 */
export function stripName(name: string): string {
  let out = removePaired(name, '(', ')')
  out = out.replace(/\s+const$/, '')
  return removePaired(out, '<', '>')
}

function removePaired(text: string, open: string, close: string): string {
  const inner = new RegExp(`\\${open}[^\\${open}\\${close}]*\\${close}`, 'g')
  for (let previous = ''; previous !== text;) {
    previous = text
    text = text.replace(inner, '')
  }
  return text
}

/**
 * A long name folded onto lines of about a third of its length (at least 32 characters), broken
 * at spaces only, with `, ` and `> >` tightened, as gprof2dot's `--wrap`.
 */
export function wrapName(name: string): string[] {
  let text = name
  if (text.length > 32) {
    const height = Math.max(Math.floor(text.length / (1 - 2 / 3) + 0.5), 1)
    const width = Math.max(text.length / height, 32)
    text = fill(text, width)
  }
  return text.replace(/, /g, ',').replace(/> >/g, '>>').replace(/> >/g, '>>').split('\n')
}

function fill(text: string, width: number): string {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines.join('\n')
}

/** `text` cut to `MAX_LABEL_NAME` characters (code points) with a trailing `…`. */
export function shorten(text: string): string {
  // A name of at most that many UTF-16 units has at most that many code points: not split.
  if (text.length <= MAX_LABEL_NAME) return text
  const chars = [...text]
  return chars.length <= MAX_LABEL_NAME ? text : chars.slice(0, MAX_LABEL_NAME - 1).join('') + '…'
}

export function percent(ratio: number): string {
  return PERCENTS.of(ratio * 100)
}

/**
 * `x.toFixed(2)` between a prefix and a suffix, the same text, made once per value in hundredths
 * (a big drawing writes 200k percentages and sizes, most of them repeated).
 */
export class FixedText {
  private readonly texts: string[] = []

  constructor(
    private readonly prefix: string,
    private readonly suffix: string,
  ) {}

  of(x: number): string {
    const n = hundredths(x)
    if (n < 0 || n >= CACHED_HUNDREDTHS) return this.prefix + x.toFixed(2) + this.suffix
    return (this.texts[n] ??= this.prefix + x.toFixed(2) + this.suffix)
  }
}

/** Values up to 1000.00 (percentages and sizes) are cached: at most 100k strings. */
const CACHED_HUNDREDTHS = 100_000

/**
 * The integer `toFixed(2)` writes for `x` (in hundredths), or -1 where it is not sure. `toFixed`
 * rounds the exact decimal value of `x`, ties up; `Math.round(x * 100)` is the same integer
 * unless the product lies within its rounding error (below 1e-6 here) of a tie.
 */
function hundredths(x: number): number {
  if (!(x >= 0 && x < 1e7)) return -1
  const y = x * 100
  return Math.abs(y - Math.floor(y) - 0.5) > 1e-6 ? Math.round(y) : -1
}

const PERCENTS = new FixedText('', '%')

/**
 * A metric value for a label. With `timeFormat` (a printf conversion such as gprof2dot's default
 * `%.7g`), time metrics are formatted in seconds and others as they are. Without it, time metrics
 * read in the best unit (`1.23 s`, `45.0 ms`), bytes in binary units, counts as plain numbers.
 */
export function formatValue(value: number, metric: Metric, timeFormat?: string): string {
  const perNs = nanosecondsPer(metric.unit)
  if (timeFormat !== undefined) return printf(timeFormat, perNs ? (value * perNs) / 1e9 : value)
  if (perNs !== undefined) return scaled(value * perNs, TIME_STEPS)
  if (metric.unit === 'bytes') return scaled(value, BYTE_STEPS)
  return printf('%.7g', value)
}

const TIME_STEPS: [number, string][] = [
  [1e9, 's'],
  [1e6, 'ms'],
  [1e3, 'µs'],
  [1, 'ns'],
]
const BYTE_STEPS: [number, string][] = [
  [1024 ** 4, 'TiB'],
  [1024 ** 3, 'GiB'],
  [1024 ** 2, 'MiB'],
  [1024, 'KiB'],
  [1, 'B'],
]

function scaled(value: number, steps: [number, string][]): string {
  const [size, unit] = steps.find(([size]) => Math.abs(value) >= size) ?? steps[steps.length - 1]
  return `${printf('%.3g', value / size)} ${unit}`
}

/**
 * One printf conversion (`%[-+ 0#][width][.precision](d|i|f|F|e|E|g|G|s)`) applied to `value`;
 * text around it is kept and `%%` is a percent sign, as in Python's `fmt % value`.
 */
export function printf(format: string, value: number): string {
  let used = false
  return format.replace(
    /%([-+ 0#]*)(\d*)(?:\.(\d+))?([diFfEeGgs%])/g,
    (all, flags: string, width: string, precision: string | undefined, conversion: string) => {
      if (conversion === '%') return '%'
      if (used) return all
      used = true
      const p = precision === undefined ? undefined : Number(precision)
      let body = convert(Math.abs(value), conversion, p, flags.includes('#'))
      const sign =
        value < 0 || Object.is(value, -0)
          ? '-'
          : flags.includes('+')
            ? '+'
            : flags.includes(' ')
              ? ' '
              : ''
      const pad = Math.max(0, Number(width || 0) - body.length - sign.length)
      if (flags.includes('-')) return sign + body + ' '.repeat(pad)
      if (flags.includes('0') && Number.isFinite(value)) body = '0'.repeat(pad) + body
      else return ' '.repeat(pad) + sign + body
      return sign + body
    },
  )
}

function convert(
  v: number,
  conversion: string,
  precision: number | undefined,
  alt: boolean,
): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : 'inf'
  switch (conversion) {
    case 'd':
    case 'i':
      return Math.trunc(v).toString()
    case 'f':
    case 'F':
      return v.toFixed(precision ?? 6)
    case 'e':
    case 'E': {
      const e = exponential(v, precision ?? 6)
      return conversion === 'E' ? e.toUpperCase() : e
    }
    case 's':
      return String(v)
    default: {
      const p = precision === undefined ? 6 : Math.max(precision, 1)
      const x = v === 0 ? 0 : Number(v.toExponential(p - 1).split('e')[1])
      let out = p > x && x >= -4 ? v.toFixed(p - 1 - x) : exponential(v, p - 1)
      if (!alt) out = out.replace(/(\.\d*?)0+(?=e|$)/, '$1').replace(/\.(?=e|$)/, '')
      return conversion === 'G' ? out.toUpperCase() : out
    }
  }
}

/** C's `%e`: at least two exponent digits (`1.5e+03`). */
function exponential(v: number, digits: number): string {
  return v.toExponential(digits).replace(/e([+-])(\d)$/, 'e$10$2')
}

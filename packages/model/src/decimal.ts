/**
 * Writes the integer `n` (0 ≤ n < 1e9) in decimal as ASCII into `bytes` at `at`, padded with
 * zeros to `width` digits, and returns the index after it; the caller makes room (up to 9
 * bytes, or `width`). The writers of large text outputs (callgrind, dot) write numbers with it
 * straight into their byte buffers instead of making a string per number.
 */
export function writeDecimal(bytes: Uint8Array, at: number, n: number, width = 0): number {
  // Digits counted by comparisons: a loop of divisions was half of this function's time.
  let count = 1
  while (count < 9 && n >= TENS[count]) count++
  if (count < width) count = width
  for (let i = at + count - 1; i >= at; i--) {
    const q = (n / 10) | 0
    bytes[i] = 48 + n - 10 * q
    n = q
  }
  return at + count
}

/** 10^i at i. */
const TENS = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8]

/**
 * `v` as a plain decimal (`0.000000962`, `1000000000000000000000`), never in exponent notation
 * (`9.62e-7`, `1e+21`), which line formats such as folded stacks cannot hold: the digits are
 * JavaScript's shortest round-trip ones, so `Number(plainDecimal(v)) === v`.
 */
export function plainDecimal(v: number): string {
  const text = String(v)
  const e = text.indexOf('e')
  if (e < 0) return text
  const sign = text[0] === '-' ? '-' : ''
  const mantissa = text.slice(sign.length, e)
  const exponent = Number(text.slice(e + 1))
  const digits = mantissa.replace('.', '')
  // The decimal point sits after `point` digits of `digits`.
  const point = (mantissa.indexOf('.') < 0 ? mantissa.length : mantissa.indexOf('.')) + exponent
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

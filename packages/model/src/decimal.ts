/**
 * Writes the integer `n` (0 ≤ n < 1e9) in decimal as ASCII into `bytes` at `at`, padded with
 * zeros to `width` digits, and returns the index after it; the caller makes room (up to 9
 * bytes, or `width`). The writers of large text outputs (callgrind, dot) write numbers with it
 * straight into their byte buffers instead of making a string per number.
 */
export function writeDecimal(bytes: Uint8Array, at: number, n: number, width = 0): number {
  let count = 1
  for (let x = n; x >= 10; x = (x / 10) | 0) count++
  if (count < width) count = width
  for (let i = at + count - 1; i >= at; i--) {
    const q = (n / 10) | 0
    bytes[i] = 48 + n - 10 * q
    n = q
  }
  return at + count
}

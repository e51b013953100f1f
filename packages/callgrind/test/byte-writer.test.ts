import { ByteWriter } from '../src/byte-writer.js'

const written = (write: (out: ByteWriter) => void) => {
  const out = new ByteWriter()
  write(out)
  return new TextDecoder().decode(out.finish())
}

test('numbers read as String(n) would write them', () => {
  const values = [0, -0, 7, 10, 999_999_999, 1e9, 1_000_000_007, 4_996_606_632_501]
  values.push(2 ** 53 - 1, 2 ** 53, 1e21, -5, 2.5, NaN, Infinity, 123_456_789_012_345)
  for (const n of values) expect(written((out) => out.number(n))).toBe(String(n))
})

test('text as UTF-8, growing past the first buffer', () => {
  const long = 'x'.repeat(100_000)
  expect(written((out) => out.text('ascii then ünïcödé ✓ 😀'))).toBe('ascii then ünïcödé ✓ 😀')
  expect(written((out) => (out.text(long), out.byte(10), out.text(long)))).toBe(`${long}\n${long}`)
})

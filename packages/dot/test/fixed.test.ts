import { FixedText, percent } from '../src/label.js'

describe('FixedText', () => {
  test('writes what toFixed(2) writes, ties and rounding edges included', () => {
    const quoted = new FixedText('"', '"')
    const values = [0, -0, 0.005, 0.015, 0.125, 1.005, 2.675, 0.5, 99.995, 100, 999.999, 1e7, 1e21]
    values.push(NaN, Infinity, -1.234, 12345678.9)
    for (let i = 0; i < 100_000; i++) values.push(Math.random() * 200, i / 1000, i / 800)
    const wrong = values.filter(
      (x) => quoted.of(x) !== `"${x.toFixed(2)}"` || percent(x) !== `${(x * 100).toFixed(2)}%`,
    )
    expect(wrong).toEqual([])
  })
})

import { plainDecimal, writeDecimal } from '../src/index.js'

describe('writeDecimal', () => {
  const text = (n: number, width?: number) => {
    const bytes = new Uint8Array(12).fill(0x2e)
    const end = writeDecimal(bytes, 1, n, width)
    return { text: new TextDecoder().decode(bytes.subarray(1, end)), before: bytes[0] }
  }

  test.each([0, 7, 9, 10, 99, 100, 4242, 65535, 123456789, 999999999])('%d as String(n)', (n) => {
    expect(text(n)).toEqual({ text: String(n), before: 0x2e })
  })

  test('pads with zeros to the width, never cuts', () => {
    expect(text(42, 9).text).toBe('000000042')
    expect(text(0, 3).text).toBe('000')
    expect(text(12345, 2).text).toBe('12345')
  })
})

describe('plainDecimal', () => {
  test.each([
    [9.62e-7, '0.000000962'],
    [1e-7, '0.0000001'],
    [-2.5e-10, '-0.00000000025'],
    [1.5e21, '1500000000000000000000'],
    [1.234e22, '12340000000000000000000'],
    [3.91, '3.91'],
    [42, '42'],
    [0, '0'],
  ])('%p as %p, the same number read back', (v, text) => {
    expect(plainDecimal(v)).toBe(text)
    expect(Number(text)).toBe(v)
  })

  test('no exponent for any double, and the same number read back', () => {
    for (let i = 0; i < 2000; i++) {
      const v = (((i * 0.7919) % 1) + 0.1) * 10 ** ((i % 60) - 30)
      const text = plainDecimal(v)
      expect(text).toMatch(/^\d+(\.\d+)?$/)
      expect(Number(text)).toBe(v)
    }
  })
})

import { writeDecimal } from '../src/index.js'

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

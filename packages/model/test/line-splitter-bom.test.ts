import { LineSplitter } from '../src/index.js'

function lines(bytes: Uint8Array, chunkSize: number): string[] {
  const out: string[] = []
  const splitter = new LineSplitter((line) => out.push(line))
  for (let at = 0; at < bytes.length; at += chunkSize)
    splitter.push(bytes.subarray(at, at + chunkSize))
  splitter.end()
  return out
}

describe('LineSplitter and a UTF-16 byte-order mark split across chunks', () => {
  // 'a€\r\nb' in UTF-16LE with its BOM.
  const le = new Uint8Array([0xff, 0xfe, 0x61, 0, 0xac, 0x20, 0x0d, 0, 0x0a, 0, 0x62, 0])
  const be = new Uint8Array([0xfe, 0xff, 0, 0x61, 0x20, 0xac, 0, 0x0d, 0, 0x0a, 0, 0x62])

  test.each([1, 2, 3, 5, 64])('chunks of %i byte(s)', (size) => {
    expect(lines(le, size)).toEqual(['a€', 'b'])
    expect(lines(be, size)).toEqual(['a€', 'b'])
  })

  test('a one-byte input', () => {
    expect(lines(new Uint8Array([0x61]), 1)).toEqual(['a'])
  })
})

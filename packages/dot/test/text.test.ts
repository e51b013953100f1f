import { TextBuffer } from '../src/text.js'

describe('TextBuffer', () => {
  test('gives back exactly the pieces added, past its first size', () => {
    const pieces = ['digraph {\n', 'é × 日本', '😀', 'x'.repeat(100_000), '\ufeffbom', '']
    const text = new TextBuffer()
    for (const p of pieces) text.add(p)
    expect(text.toString()).toBe(pieces.join(''))
  })

  test('keeps lone surrogates, which UTF-8 cannot hold', () => {
    const long = 'x'.repeat(100)
    const pieces = ['a', 'lone \ud800 high', 'b', '\udc00', 'pair \ud83d\ude00 c', long + '\udfff']
    const text = new TextBuffer()
    for (const p of pieces) text.add(p)
    expect(text.toString()).toBe(pieces.join(''))
  })

  test('gives the same UTF-8 as encoding the text, lone surrogates as U+FFFD', () => {
    const long = 'y'.repeat(100)
    for (const pieces of [
      ['plain ', 'é × 日本 😀', '\ufeff'],
      ['a', 'lone \ud800 high', 'b', '\udc00', 'pair \ud83d\ude00 c', long + '\udfff', 'end'],
    ]) {
      const text = new TextBuffer(8)
      for (const p of pieces) text.add(p)
      expect(Buffer.from(text.toBytes())).toEqual(Buffer.from(pieces.join(''), 'utf8'))
    }
  })

  test('writes integers as String does', () => {
    const numbers = [0, -0, 7, 10, 999_999_999, 1e9, 12_345_678_901, -3, 1.5, NaN, Infinity, 1e21]
    const text = new TextBuffer(4)
    for (const n of numbers) {
      text.int(n)
      text.add(' ')
    }
    expect(text.toString()).toBe(numbers.map((n) => `${n} `).join(''))
  })
})

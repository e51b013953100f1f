import { TextBuffer } from '../src/text.js'

describe('TextBuffer', () => {
  test('gives back exactly the pieces added, past its first size', () => {
    const pieces = ['digraph {\n', 'é × 日本', '😀', 'x'.repeat(100_000), '\ufeffbom', '']
    const text = new TextBuffer()
    for (const p of pieces) text.add(p)
    expect(text.toString()).toBe(pieces.join(''))
  })

  test('keeps lone surrogates, which UTF-8 cannot hold', () => {
    const pieces = ['a', 'lone \ud800 high', 'b', '\udc00', 'pair \ud83d\ude00 c']
    const text = new TextBuffer()
    for (const p of pieces) text.add(p)
    expect(text.toString()).toBe(pieces.join(''))
  })
})

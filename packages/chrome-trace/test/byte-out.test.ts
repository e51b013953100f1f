import { ByteOut } from '../src/byte-out.js'

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

describe('ByteOut: output bytes with a dictionary at the buffer’s head', () => {
  // "alpha" is bytes 0–5 of the dictionary, "beta" 5–9.
  const dictionary = ByteOut.encode('alphabeta')

  /** Writes the same things into `out`: pieces, dictionary copies, numbers, a repeat. */
  function fill(out: ByteOut): void {
    for (let i = 0; i < 300; i++) {
      out.room(64)
      const from = out.position
      out.copy(i % 2 === 0 ? 0 : 5, i % 2 === 0 ? 5 : 9)
      out.fixed3(i + 0.25)
      out.durKey()
      out.integer(i * 1001)
      const to = out.position
      if (!out.repeat(from, to)) {
        out.copy(i % 2 === 0 ? 0 : 5, i % 2 === 0 ? 5 : 9)
        out.fixed3(i + 0.25)
        out.durKey()
        out.integer(i * 1001)
      }
      out.text(';')
    }
    out.text('end;')
    out.takeBack(1)
  }

  const expected = Array.from({ length: 300 }, (_, i) => {
    const event = `${i % 2 === 0 ? 'alpha' : 'beta'}${i}.25,"dur":${i * 1001}`
    return `${event}${event};`
  }).join('')

  test('whole: the output alone, the dictionary not in it, also when the buffer grows', () => {
    const out = new ByteOut(16, undefined, dictionary)
    fill(out)
    expect(text(out.finish())).toBe(`${expected}end`)
  })

  test('in pieces to a sink: the same bytes, repeats across a handed-out piece written anew', () => {
    const pieces: string[] = []
    const out = new ByteOut(1024, (chunk) => pieces.push(text(chunk)), dictionary)
    fill(out)
    expect(out.finish()).toHaveLength(0)
    expect(pieces.length).toBeGreaterThan(5)
    expect(pieces.join('')).toBe(`${expected}end`)
    expect(pieces.some((piece) => piece.includes('alphabeta'))).toBe(false)
  })

  test('taking back bytes already handed to the sink is an error, not a wrong output', () => {
    const out = new ByteOut(1024, () => {}, dictionary)
    out.text('x'.repeat(1000))
    out.text('y'.repeat(100)) // the x's are handed out to make room
    expect(() => out.takeBack(1000)).toThrow(/handed out/)
  })
})

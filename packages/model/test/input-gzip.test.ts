import { gzipSync } from 'node:zlib'
import { forEachInputChunk, maybeGunzip, ProfconvError } from '../src/index.js'

const text = new TextEncoder().encode(
  Array.from({ length: 4000 }, (_, i) => `line ${i} ${(i * 7919) % 1000}\n`).join(''),
)

/** `bytes` in chunks of `size`. */
const chunked = (bytes: Uint8Array, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
    bytes.subarray(i * size, i * size + size),
  )

/** The error `forEachInputChunk` ends with when the reader rejects its first chunk. */
async function errorOf(bytes: Uint8Array, size: number): Promise<string> {
  const reader = () => {
    throw new ProfconvError('test', 'the reader saw bad data')
  }
  try {
    await forEachInputChunk(chunked(bytes, size), 'test', reader)
  } catch (error) {
    expect(error).toBeInstanceOf(ProfconvError)
    return (error as Error).message
  }
  throw new Error('no error')
}

describe('a streaming reader fed from gzip', () => {
  const gzip = new Uint8Array(gzipSync(text))

  test('a corrupt gzip is reported as such, whatever the reader saw before, for any chunking', async () => {
    // The deflate data is good up to the middle, then junk: the reader gets some text first.
    const corrupt = gzip.slice()
    for (let at = gzip.length >> 1; at < gzip.length - 8; at++) corrupt[at] = 0xff
    for (const size of [1, 7, 4096, corrupt.length]) {
      expect(await errorOf(corrupt, size)).toMatch(/^test: corrupt gzip data/)
    }
  })

  test("on good gzip the reader's own error is the one thrown", async () => {
    for (const size of [1, 7, 4096]) {
      expect(await errorOf(gzip, size)).toBe('test: the reader saw bad data')
    }
  })

  test('the reader gets every byte of good gzip', async () => {
    const got: Uint8Array[] = []
    await forEachInputChunk(chunked(gzip, 5), 'test', (chunk) => got.push(chunk.slice()))
    expect(Buffer.concat(got).equals(Buffer.from(text))).toBe(true)
  })
})

describe('a cut-short gzip input', () => {
  const gzip = new Uint8Array(gzipSync(text))
  const readAll = async (bytes: Uint8Array, size: number) =>
    forEachInputChunk(chunked(bytes, size), 'test', () => {})

  test('is an error at the byte where it ends, whole or streamed in any chunking', async () => {
    // Cut in the header, in the deflate data, and in the 8-byte trailer (CRC-32, length) that
    // fflate never reads: gzip -t and go tool pprof say "unexpected EOF" for each.
    for (const end of [
      10,
      15,
      gzip.length >> 1,
      gzip.length - 9,
      gzip.length - 8,
      gzip.length - 1,
    ]) {
      const cut = gzip.subarray(0, end)
      const whole = () => maybeGunzip(cut, 'test')
      expect(whole).toThrow(ProfconvError)
      expect(whole).toThrow(
        new RegExp(`^test: at byte ${end}: gzip data ends .*: the file is cut short$`),
      )
      for (const size of [3, 4096])
        await expect(readAll(cut, size)).rejects.toThrow(
          new RegExp(`^test: at byte ${end}: gzip data ends .*: the file is cut short$`),
        )
    }
    expect(() => maybeGunzip(gzip.subarray(0, gzip.length >> 1), 'test')).toThrow(
      /ends in the middle of its compressed stream/,
    )
    expect(() => maybeGunzip(gzip.subarray(0, gzip.length - 1), 'test')).toThrow(
      new RegExp(`trailer .* than the ${text.length} bytes decoded`),
    )
  })

  test('whole gzip, one member or several, reads as before', async () => {
    const two = Buffer.concat([gzipSync(text.subarray(0, 1000)), gzipSync(text.subarray(1000))])
    expect(Buffer.from(maybeGunzip(new Uint8Array(two), 'test')).equals(Buffer.from(text))).toBe(
      true,
    )
    expect(Buffer.from(maybeGunzip(gzip, 'test')).equals(Buffer.from(text))).toBe(true)
    for (const size of [3, 4096]) {
      await readAll(new Uint8Array(two), size)
      await readAll(gzip, size)
    }
    expect(maybeGunzip(new Uint8Array(gzipSync(new Uint8Array(0))), 'test')).toHaveLength(0)
  })
})

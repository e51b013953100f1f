import { gzipSync } from 'node:zlib'
import { forEachInputChunk, ProfconvError } from '../src/index.js'

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

import { ProfconvError } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readPstats, unmarshal } from '../src/index.js'

function errorOf(fn: () => unknown): ProfconvError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ProfconvError) return error
    throw new Error(`expected a ProfconvError, got ${String(error)}`)
  }
  throw new Error('expected an error, got none')
}

describe('bad pstats input', () => {
  test('truncating a real file at every byte gives a ProfconvError with an offset', () => {
    const bytes = fixture('pstats/recursion.prof')
    for (let end = 0; end < bytes.length; end++) {
      const error = errorOf(() => readPstats(bytes.subarray(0, end)))
      expect(error.format).toBe('pstats')
      expect(error.position.offset).toBeLessThanOrEqual(end)
    }
  })

  test('a Python 2 file truncated anywhere fails cleanly too', () => {
    const bytes = fixture('pstats/recursion.py27.prof')
    for (let end = 0; end < bytes.length; end += 7) {
      errorOf(() => readPstats(bytes.subarray(0, end)))
    }
  })

  test('an empty file says so', () => {
    expect(errorOf(() => readPstats(new Uint8Array(0))).message).toBe(
      'pstats: at byte 0: empty file',
    )
  })

  test('an unknown type byte is named with its offset', () => {
    const error = errorOf(() => unmarshal(Uint8Array.from([0x7b, 0x29, 0x01, 0x3f])))
    expect(error.message).toBe('pstats: at byte 3: unknown marshal type 0x3f')
  })

  test('a declared length beyond the file is refused before allocating', () => {
    const bytes = Uint8Array.from([0x28, 0xff, 0xff, 0xff, 0x7f, 0x4e])
    expect(errorOf(() => unmarshal(bytes)).reason).toMatch(/declared length 2147483647/)
  })

  test('nesting deeper than CPython allows is refused, not a stack overflow', () => {
    const view = new Uint8Array(100_000 * 5) // 100,000 nested one-item lists
    for (let i = 0; i < 100_000; i++) view.set([0x5b, 1, 0, 0, 0], i * 5)
    expect(errorOf(() => unmarshal(view)).reason).toMatch(/nesting/)
  })

  test('a back-reference to nothing is an error', () => {
    expect(errorOf(() => unmarshal(Uint8Array.from([0x72, 5, 0, 0, 0]))).reason).toMatch(
      /back-reference 5/,
    )
  })

  test('marshal that is not a stats dict is refused', () => {
    expect(errorOf(() => readPstats(Uint8Array.from([0xe9, 1, 0, 0, 0]))).reason).toMatch(
      /not a dict/,
    )
    const wrongEntry = Uint8Array.from([0x7b, 0x4e, 0x4e, 0x30]) // {None: None}
    expect(errorOf(() => readPstats(wrongEntry)).reason).toMatch(/no \(file, line, name\) key/)
  })
})

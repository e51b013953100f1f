import { ProfconvError } from '../src/index.js'

describe('ProfconvError', () => {
  test('quoted input never breaks the message over lines', () => {
    const e = new ProfconvError('pstats', "bad float text '1\n2\r\u2028\u0000'", { offset: 52 })
    expect(e.message).toBe("pstats: at byte 52: bad float text '1\\n2\\r\\u2028\\u0000'")
    expect(e.reason).toBe("bad float text '1\\n2\\r\\u2028\\u0000'")
  })

  test('a huge quote is cut', () => {
    const e = new ProfconvError('folded', `bad line '${'x'.repeat(100_000)}'`, { line: 1 })
    expect(e.message.length).toBeLessThan(500)
    expect(e.message.endsWith('…')).toBe(true)
  })

  test('plain reasons are unchanged', () => {
    expect(new ProfconvError('pprof', 'truncated', { offset: 3 }).message).toBe(
      'pprof: at byte 3: truncated',
    )
  })
})

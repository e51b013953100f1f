import { FrameTable } from '../src/index.js'

describe('FrameTable column', () => {
  test('two functions on one line at different columns are different frames', () => {
    const table = new FrameTable()
    const a = table.intern({ name: '(anonymous)', file: 'app.js', line: 3, column: 10 })
    const b = table.intern({ name: '(anonymous)', file: 'app.js', line: 3, column: 25 })
    expect(a).not.toBe(b)
    expect(table.intern({ name: '(anonymous)', file: 'app.js', line: 3, column: 10 })).toBe(a)
    expect(table.get(b)).toEqual({ name: '(anonymous)', file: 'app.js', line: 3, column: 25 })
  })

  test('a frame without a column stays apart from one with a column', () => {
    const table = new FrameTable()
    const a = table.intern({ name: 'f', file: 'x.js', line: 1 })
    const b = table.intern({ name: 'f', file: 'x.js', line: 1, column: 1 })
    expect(a).not.toBe(b)
    expect(table.get(a)).toEqual({ name: 'f', file: 'x.js', line: 1 })
  })
})

import { FrameTable } from '../src/index.js'

describe('FrameTable.add', () => {
  test('frames added without a lookup are found by a later intern', () => {
    const frames = new FrameTable()
    expect(frames.add({ name: 'a', file: 'a.py', line: 1 })).toBe(0)
    expect(frames.add({ name: 'b', file: undefined })).toBe(1)
    expect(frames.intern({ name: 'b' })).toBe(1)
    expect(frames.intern({ name: 'a', file: 'a.py', line: 1 })).toBe(0)
    expect(frames.intern({ name: 'c' })).toBe(2)
    expect(frames.add({ name: 'd' })).toBe(3)
    expect(frames.intern({ name: 'd' })).toBe(3)
    expect(frames.frames).toStrictEqual([
      { name: 'a', file: 'a.py', line: 1 },
      { name: 'b' },
      { name: 'c' },
      { name: 'd' },
    ])
  })
})

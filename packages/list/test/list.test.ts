import { FrameTable, ProfconvError, SamplesBuilder, newMeta, type Profile } from '@profconv/model'
import { writeList } from '../src/index.js'

const SOURCE = [
  'int helper(int x) {',
  '  return x * 2;',
  '}',
  '',
  'int main() {',
  '  return helper(1);',
  '}',
].join('\n')

// main (a.c:5) calls helper at line 6; helper spends at lines 1 and 2.
function profile(): Profile {
  const frames = new FrameTable()
  const main = frames.intern({ name: 'main', file: 'a.c', line: 5 })
  const helper = frames.intern({ name: 'helper', file: 'a.c', line: 1 })
  const b = new SamplesBuilder(1)
  const t = b.tree
  const m6 = t.child(-1, main, 6)
  b.add(t.child(m6, helper, 2), [30])
  b.add(t.child(m6, helper, 1), [10])
  b.add(m6, [5])
  return {
    metrics: [{ name: 'cpu', unit: 'milliseconds' }],
    defaultMetric: 0,
    frames,
    samples: b.finish(),
    meta: newMeta('test'),
  }
}

describe('writeList', () => {
  test('per-line flat and cum beside the source, pprof layout', () => {
    const text = writeList(profile(), {
      list: '^main$',
      readSource: (p) => (p === 'a.c' ? SOURCE : undefined),
    })
    expect(text).toBe(
      [
        'Total: 45ms (cpu)',
        'ROUTINE ======================== main in a.c',
        '       5ms       45ms (flat, cum) 100.00% of Total',
        '         .          .      1:int helper(int x) {',
        '         .          .      2:  return x * 2;',
        '         .          .      3:}',
        '         .          .      4:',
        '         .          .      5:int main() {',
        '       5ms       45ms      6:  return helper(1);',
        '         .          .      7:}',
        '',
      ].join('\n'),
    )
  })

  test('without the source, the lines with cost and where to look', () => {
    const text = writeList(profile(), { list: 'helper' })
    expect(text).toContain('source not found: a.c')
    expect(text).toMatch(/\n {6}10ms {7}10ms {6}1:\n/)
    expect(text).toMatch(/\n {6}30ms {7}30ms {6}2:\n/)
  })

  test('no pattern lists every function; a pattern matching none is a clear error', () => {
    expect(writeList(profile(), {}).match(/^ROUTINE/gm)).toHaveLength(2)
    expect(() => writeList(profile(), { list: 'nothing' })).toThrow(ProfconvError)
    expect(() => writeList(profile(), { list: '(' })).toThrow(/--list: /)
  })

  test('notes name -t list, not a --granularity the user did not pass', () => {
    // The same stacks without lines on their nodes (a format without lines, or read without them).
    const frames = new FrameTable()
    const main = frames.intern({ name: 'main', file: 'a.c', line: 5 })
    const b = new SamplesBuilder(1)
    b.addStack([main], [5])
    const p: Profile = {
      metrics: [{ name: 'cpu', unit: 'milliseconds' }],
      defaultMetric: 0,
      frames,
      samples: b.finish(),
      meta: newMeta('test'),
    }
    expect(writeList(p)).toContain('(no line information)')
    expect(p.meta.notes).toEqual([
      '-t list: the profile has no source lines or addresses (the format has none, or it was read without them), so no function is split into lines',
    ])
    const withLines = profile()
    writeList(withLines)
    expect(withLines.meta.notes).toEqual([])
  })
})

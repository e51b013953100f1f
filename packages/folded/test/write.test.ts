import { FrameTable, SamplesBuilder, newMeta, type Profile } from '@profconv/model'
import { writeFolded } from '../src/index.js'

function profile(): Profile {
  const frames = new FrameTable()
  const main = frames.intern({ name: 'main', file: 'app.py', line: 1 })
  const odd = frames.intern({ name: 'a;b\nc' })
  const leaf = frames.intern({ name: 'leaf' })
  const b = new SamplesBuilder(2)
  b.addStack([main, leaf], [1, 0.5])
  b.addStack([main, odd], [2, 0])
  b.addStack([main, leaf], [3, 1])
  b.addStack([], [4, 4])
  return {
    metrics: [
      { name: 'samples', unit: 'count' },
      { name: 'cpu', unit: 'seconds' },
    ],
    defaultMetric: 1,
    frames,
    samples: b.finish(),
    meta: newMeta('test'),
  }
}

describe('folded writer', () => {
  test('default metric, one line per stack, integral counts as integers, zero stacks left out', () => {
    const p = profile()
    expect(writeFolded(p)).toBe('main (app.py:1);leaf 1.5\n')
    expect(p.meta.notes).toEqual([
      "folded: ';' or line breaks replaced in 1 frame name(s)",
      'folded: 1 sample(s) without a stack left out',
    ])
  })

  test('--metric by name', () => {
    expect(writeFolded(profile(), { metric: 'samples' })).toBe(
      'main (app.py:1);leaf 4\nmain (app.py:1);a:b c 2\n',
    )
  })
})

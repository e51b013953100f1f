import {
  FrameTable,
  SamplesBuilder,
  movedSamplesNote,
  newMeta,
  sampleTimeline,
} from '../src/index.js'
import type { Profile } from '../src/index.js'

/** A profile of samples on one frame: `[value µs, time µs or undefined]` each. */
function timed(samples: [number, number | undefined][], unit = 'microseconds'): Profile {
  const frames = new FrameTable()
  const main = frames.intern({ name: 'main' })
  const builder = new SamplesBuilder(1)
  for (const [value, time] of samples) {
    builder.addStack([main], [value], undefined, time === undefined ? undefined : time * 1000)
  }
  return {
    metrics: [{ name: 'cpu', unit }],
    defaultMetric: 0,
    frames,
    samples: builder.finish(),
    meta: newMeta('test'),
  }
}

const timelineOf = (p: Profile) => sampleTimeline(p, p.samples!)

describe('sampleTimeline: where each sample starts, every sample keeping its whole value', () => {
  test('times that tile the timeline are kept, a gap stays a gap', () => {
    const t = timelineOf(
      timed([
        [10, 0],
        [5, 10],
        [5, 40],
      ]),
    )
    expect([...t.starts]).toEqual([0, 10, 40])
    expect(t.endUs).toBe(45)
    expect(t.moved).toBe(0)
    expect(movedSamplesNote(t, 'x')).toBeUndefined()
  })

  test('a sample whose time falls inside the one before starts when that one ends (noted)', () => {
    // Two threads' samples merged: the second starts 6 µs before the first ends.
    const t = timelineOf(
      timed([
        [10, 0],
        [10, 4],
        [3, 30],
        [2, 31],
      ]),
    )
    expect([...t.starts]).toEqual([0, 10, 30, 33])
    expect(t.endUs).toBe(35)
    expect(t.moved).toBe(2)
    expect(t.movedUs).toBe(6)
    // No sample starts before the one before it ends: none is cut short.
    for (let i = 1; i < t.starts.length; i++) {
      expect(t.starts[i]).toBeGreaterThanOrEqual(t.starts[i - 1] + t.values[i - 1])
    }
    expect(movedSamplesNote(t, 'cpuprofile')).toBe(
      '2 of 4 samples have a time before the sample before them ends (their times and values disagree): the cpuprofile starts each when that one ends, up to 0.006 ms later, so that every sample keeps its whole value',
    )
  })

  test('without times (or out of order) the samples are laid end to end', () => {
    for (const p of [
      timed([
        [2, undefined],
        [3, undefined],
      ]),
      timed([
        [2, 50],
        [3, 10],
      ]),
    ]) {
      const t = timelineOf(p)
      expect(t.times).toBeUndefined()
      expect([...t.starts]).toEqual([0, 2])
      expect(t.endUs).toBe(5)
      expect(t.moved).toBe(0)
    }
  })

  test('a sample of no value takes no time and moves nothing', () => {
    const t = timelineOf(
      timed([
        [10, 0],
        [0, 5],
        [4, 10],
      ]),
    )
    expect([...t.starts]).toEqual([0, 10, 10])
    expect(t.moved).toBe(0)
  })

  test('a count metric is laid out at 1 ms per unit, times unused', () => {
    const t = timelineOf(
      timed(
        [
          [1, 0],
          [2, 0.5],
        ],
        'count',
      ),
    )
    expect(t.usPerUnit).toBe(1000)
    expect([...t.starts]).toEqual([0, 1000])
    expect(t.endUs).toBe(3000)
  })
})

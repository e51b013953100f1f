import { FrameTable, SamplesBuilder, newMeta, type Profile } from '@profconv/model'

/** A profile of the given stacks (root first, names) and values. */
export function stacksProfile(stacks: [string[], number][], metric = 'samples'): Profile {
  const frames = new FrameTable()
  const builder = new SamplesBuilder(1)
  for (const [names, value] of stacks)
    builder.addStack(
      names.map((name) => frames.intern({ name })),
      [value],
    )
  return {
    metrics: [{ name: metric, unit: 'count' }],
    defaultMetric: 0,
    frames,
    samples: builder.finish(),
    meta: newMeta('folded'),
  }
}

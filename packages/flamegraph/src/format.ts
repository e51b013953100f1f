import type { FormatDescriptor, FormatOption } from '@profconv/model'
import { PALETTES } from './colors.js'
import { writeFlamegraph } from './write.js'

/** The flame graph's options, under flamegraph.pl's names. */
export const FLAMEGRAPH_OPTIONS: readonly FormatOption[] = [
  {
    flag: 'title',
    type: 'string',
    description: 'flamegraph: heading (default "Flame Graph", "Icicle Graph" with --inverted)',
  },
  {
    flag: 'colors',
    type: 'string',
    choices: PALETTES,
    default: 'hot',
    description:
      'flamegraph: colour scheme: hot, mem, io (by name), lang (a hue per language), module',
  },
  {
    flag: 'inverted',
    type: 'boolean',
    default: false,
    description: 'flamegraph: root at the top (an icicle graph)',
  },
  {
    flag: 'reverse',
    type: 'boolean',
    default: false,
    description: 'flamegraph: stacks leaf first (bottom-up, merged by the function that spent)',
  },
  {
    flag: 'minwidth',
    type: 'number',
    default: 0.1,
    description: 'flamegraph: merge boxes narrower than this many pixels, one box per parent',
  },
  {
    flag: 'width',
    type: 'number',
    default: 1200,
    description: 'flamegraph: image width in pixels',
  },
  {
    flag: 'compare-tolerance',
    type: 'number',
    default: 0.1,
    description:
      'dot, flamegraph: with --compare, changes within this % of the total count as none',
  },
]

/** `-t flamegraph`: an interactive flame graph SVG. */
export const flamegraphFormat: FormatDescriptor = {
  name: 'flamegraph',
  description: 'interactive flame graph SVG (flamegraph.pl style: zoom, search; write only)',
  extensions: [],
  writes: 'samples',
  write: (profile, options) => writeFlamegraph(profile, options),
  options: FLAMEGRAPH_OPTIONS,
}

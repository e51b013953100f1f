import type { FormatDescriptor, FormatOption } from '@profconv/model'
import { NODE_LABELS, writeDot, writeDotBytes } from './write.js'
import { THEMES } from './theme.js'

/**
 * The dot writer's options: gprof2dot's drawing flags under gprof2dot's names and short aliases
 * (where they do not clash with profconv's own `-t -o -f -m -q`), then pprof's filters.
 * Options marked repeatable may be given several times.
 */
export const DOT_OPTIONS: readonly FormatOption[] = [
  {
    flag: 'node-thres',
    alias: 'n',
    type: 'number',
    default: 0.5,
    description: 'dot: hide functions below this % of the total',
  },
  {
    flag: 'edge-thres',
    alias: 'e',
    type: 'number',
    default: 0.1,
    description: 'dot: hide calls below this % of the total',
  },
  {
    flag: 'colormap',
    alias: 'c',
    type: 'string',
    choices: Object.keys(THEMES),
    default: 'color',
    description: 'dot: colour map',
  },
  {
    flag: 'skew',
    type: 'number',
    default: 1,
    description: 'dot: skew the colours: < 1 gives more variety to low percentages, > 1 to high',
  },
  {
    flag: 'color-nodes-by-selftime',
    type: 'boolean',
    default: false,
    description: 'dot: colour boxes by self cost rather than total',
  },
  {
    flag: 'root',
    alias: 'z',
    type: 'string',
    description: 'dot: draw only functions matching this glob and what they call (repeatable)',
  },
  {
    flag: 'leaf',
    alias: 'l',
    type: 'string',
    description: 'dot: draw only functions matching this glob and their callers (repeatable)',
  },
  {
    flag: 'depth',
    type: 'number',
    default: -1,
    description: 'dot: calls to follow from --root / --leaf (-1: all)',
  },
  {
    flag: 'path',
    alias: 'p',
    type: 'string',
    description: 'dot: keep only functions whose file starts with this (repeatable)',
  },
  {
    flag: 'strip',
    alias: 's',
    type: 'boolean',
    default: false,
    description: 'dot: strip C++ argument lists, const and template arguments from names',
  },
  {
    flag: 'wrap',
    alias: 'w',
    type: 'boolean',
    default: false,
    description: 'dot: fold long function names onto several lines',
  },
  {
    flag: 'node-label',
    type: 'string',
    choices: NODE_LABELS,
    description:
      'dot: what boxes show (repeatable; default total-time-percentage and self-time-percentage)',
  },
  {
    flag: 'time-format',
    type: 'string',
    description: 'dot: printf format for total-time/self-time in seconds (default: units, 1.23 s)',
  },
  {
    flag: 'show-samples',
    type: 'boolean',
    default: false,
    description: "dot: show each function's own sample count",
  },
  {
    flag: 'list-functions',
    type: 'string',
    description: 'dot: print the shown functions matching this glob (+ for all) instead of a graph',
  },
  {
    flag: 'focus',
    type: 'string',
    description: 'dot: keep only stacks through a frame matching this regex (repeatable)',
  },
  {
    flag: 'ignore',
    type: 'string',
    description: 'dot: drop stacks through a frame matching this regex (repeatable)',
  },
  {
    flag: 'hide',
    type: 'string',
    description: 'dot: remove frames matching this regex, their cost stays in callers (repeatable)',
  },
  {
    flag: 'show',
    type: 'string',
    description: 'dot: keep only frames matching this regex (repeatable)',
  },
  {
    flag: 'node-count',
    type: 'number',
    description: 'dot: draw the N heaviest functions, dotted edges across removed ones',
  },
  {
    flag: 'compare-tolerance',
    type: 'number',
    default: 0.1,
    description: 'dot: with --compare, changes within this % of the base total count as none',
  },
]

export const dotFormat: FormatDescriptor = {
  name: 'dot',
  description: 'Graphviz dot call graph, drawn the way gprof2dot draws it (write only)',
  extensions: ['.dot', '.gv'],
  writes: 'graph',
  write: (profile, options) => writeDot(profile, options),
  writeStream: (profile, options, sink) => writeDotBytes(profile, options, sink),
  options: DOT_OPTIONS,
}

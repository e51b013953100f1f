import type { FormatDescriptor, Granularity } from '@profconv/model'
import { writeTop, type TopSort } from './write.js'

/** `-t top`: a table of functions (or files, lines, … by `--granularity`) like `go tool pprof -top` and `pstats.print_stats`. */
export const topFormat: FormatDescriptor = {
  name: 'top',
  description: 'a table of functions by self or total cost, like go tool pprof -top (text)',
  extensions: ['.top.txt'],
  writes: 'graph',
  write: (profile, options) =>
    writeTop(profile, {
      ...options,
      sort: options.sort as TopSort | undefined,
      limit: options.limit as number | undefined,
      granularity: options.granularity as Granularity | undefined,
      color: options.color === true,
    }),
  options: [
    {
      flag: 'sort',
      type: 'string',
      choices: ['self', 'total', 'calls'],
      default: 'self',
      description: 'top: order rows by self cost (flat), total cost (cum) or calls',
    },
    {
      flag: 'limit',
      type: 'number',
      default: 0,
      description: 'top: print at most this many rows (0: all)',
    },
    {
      flag: 'color',
      type: 'boolean',
      description:
        'top: colour the table (default: when stdout is a terminal and NO_COLOR is unset)',
    },
  ],
}

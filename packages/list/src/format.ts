import type { FormatDescriptor } from '@profconv/model'
import { writeList, type ListOptions } from './write.js'

/** `-t list`: per-line flat and cum cost of matching functions beside their source, like `go tool pprof -list`. */
export const listFormat: FormatDescriptor = {
  name: 'list',
  description:
    'per-line flat and cum cost of the functions matching --list REGEX beside their source, like go tool pprof -list (text)',
  extensions: ['.list.txt'],
  writes: 'graph',
  usesPositions: true,
  // Its units are source lines whatever --granularity says.
  granularity: false,
  write: (profile, options) =>
    writeList(profile, {
      ...options,
      list: options.list as string | undefined,
      readSource: options.readSource as ListOptions['readSource'],
    }),
  options: [
    {
      flag: 'list',
      type: 'string',
      description:
        'list: the functions to show (a regular expression matched against names; default: every function)',
    },
  ],
}

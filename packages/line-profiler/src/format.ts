import type { FormatDescriptor } from '@profconv/model'
import { readLineProfiler } from './read.js'
import { sniffLineProfiler } from './sniff.js'

/** line_profiler's `.lprof` (kernprof -l). */
export const lineProfilerFormat: FormatDescriptor = {
  name: 'line-profiler',
  description: 'line_profiler / kernprof -l results (.lprof, a pickle of LineStats), read safely',
  extensions: ['.lprof'],
  sniff: sniffLineProfiler,
  read: (bytes, options) => [readLineProfiler(bytes, options)],
}

import type { FormatDescriptor } from '@profconv/model'
import { readGprof, readGprofStream } from './read.js'
import { sniffGprof } from './sniff.js'

/** gprof's text report: flat profile and call graph (input only). */
export const gprofFormat: FormatDescriptor = {
  name: 'gprof',
  description: 'gprof text report: flat profile and call graph, GNU or BSD (read only)',
  extensions: ['.gprof'],
  sniff: sniffGprof,
  read: (bytes, options) => readGprof(bytes, options),
  readStream: (chunks, options) => readGprofStream(chunks, options),
}

import type { FormatDescriptor } from '@profconv/model'
import { readStackprof, readStackprofStream } from './read.js'
import { sniffStackprof } from './sniff.js'

/** Ruby stackprof's JSON (input only). */
export const stackprofFormat: FormatDescriptor = {
  name: 'stackprof',
  description: 'Ruby stackprof JSON (stackprof --json; cpu, wall, object modes) (read only)',
  extensions: [],
  sniff: sniffStackprof,
  read: (bytes, options) => readStackprof(bytes, options),
  readStream: (chunks, options) => readStackprofStream(chunks, options),
}

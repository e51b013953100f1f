import type { FormatDescriptor } from '@profconv/model'
import { readDtrace, readDtraceStream } from './read.js'
import { sniffDtrace } from './sniff.js'

/** DTrace's printout of a stack aggregation (input only). */
export const dtraceFormat: FormatDescriptor = {
  name: 'dtrace',
  description: 'DTrace aggregated ustack()/stack() output (read only)',
  extensions: ['.dtrace', '.user_stacks', '.kern_stacks'],
  sniff: sniffDtrace,
  read: (bytes, options) => readDtrace(bytes, options),
  readStream: (chunks, options) => readDtraceStream(chunks, options),
}

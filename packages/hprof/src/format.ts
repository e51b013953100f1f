import type { FormatDescriptor } from '@profconv/model'
import { readHprof, readHprofStream } from './read.js'
import { sniffHprof } from './sniff.js'

/** The JDK hprof agent's text output (input only). */
export const hprofFormat: FormatDescriptor = {
  name: 'hprof',
  description: 'Java hprof text, cpu=samples or cpu=times (java.hprof.txt) (read only)',
  extensions: ['.hprof.txt'],
  sniff: sniffHprof,
  read: (bytes, options) => readHprof(bytes, options),
  readStream: (chunks, options) => readHprofStream(chunks, options),
}

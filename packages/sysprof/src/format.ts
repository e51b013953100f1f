import type { FormatDescriptor } from '@profconv/model'
import { readSysprof, readSysprofStream } from './read.js'
import { sniffSysprof } from './sniff.js'

/** sysprof 1.x's XML profile (input only). */
export const sysprofFormat: FormatDescriptor = {
  name: 'sysprof',
  description: 'sysprof 1.x XML profile (read only)',
  extensions: ['.sysprof'],
  sniff: sniffSysprof,
  read: (bytes, options) => readSysprof(bytes, options),
  readStream: (chunks, options) => readSysprofStream(chunks, options),
}

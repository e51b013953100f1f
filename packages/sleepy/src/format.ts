import type { FormatDescriptor } from '@profconv/model'
import { readSleepy, readSleepyStream } from './read.js'
import { sniffSleepy } from './sniff.js'

/** Very Sleepy's capture file (input only). */
export const sleepyFormat: FormatDescriptor = {
  name: 'sleepy',
  description: 'Very Sleepy capture (.sleepy zip) (read only)',
  extensions: ['.sleepy'],
  sniff: sniffSleepy,
  read: (bytes, options) => readSleepy(bytes, options),
  readStream: (chunks, options) => readSleepyStream(chunks, options),
}

import type { FormatDescriptor } from '@profconv/model'
import { readAxe, readAxeStream } from './read.js'
import { sniffAxe } from './sniff.js'

/** VTune Amplifier's gprof-cc call graph report (input only). */
export const axeFormat: FormatDescriptor = {
  name: 'axe',
  description: 'Intel VTune Amplifier gprof-cc call graph report (read only)',
  extensions: ['.axe'],
  sniff: sniffAxe,
  read: (bytes, options) => readAxe(bytes, options),
  readStream: (chunks, options) => readAxeStream(chunks, options),
}

import type { FormatDescriptor } from '@profconv/model'
import { readXperf, readXperfStream } from './read.js'
import { sniffXperf } from './sniff.js'

/** xperf's CSV export of sampled CPU stacks (input only). */
export const xperfFormat: FormatDescriptor = {
  name: 'xperf',
  description: 'Windows xperf CSV export of sampled stacks (read only)',
  extensions: ['.xperf', '.xperf.csv'],
  sniff: sniffXperf,
  read: (bytes, options) => readXperf(bytes, options),
  readStream: (chunks, options) => readXperfStream(chunks, options),
}

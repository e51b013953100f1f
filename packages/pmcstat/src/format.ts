import type { FormatDescriptor } from '@profconv/model'
import { readPmcstat, readPmcstatStream } from './read.js'
import { sniffPmcstat } from './sniff.js'

/** FreeBSD `pmcstat -G` call graph text (input only). */
export const pmcstatFormat: FormatDescriptor = {
  name: 'pmcstat',
  description: 'FreeBSD pmcstat -G call graph text (read only)',
  extensions: ['.pmcstat.graph'],
  sniff: sniffPmcstat,
  read: (bytes, options) => readPmcstat(bytes, options),
  readStream: (chunks, options) => readPmcstatStream(chunks, options),
}

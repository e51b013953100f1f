import type { FormatDescriptor } from '@profconv/model'
import { readCpuprofile } from './read.js'
import { sniffCpuprofile } from './sniff.js'

/** Chrome DevTools and `node --cpu-prof` CPU profiles (read only). */
export const cpuprofileFormat: FormatDescriptor = {
  name: 'cpuprofile',
  description: 'Chrome DevTools / node --cpu-prof .cpuprofile (read only)',
  extensions: ['.cpuprofile'],
  sniff: sniffCpuprofile,
  read: (bytes, options) => [readCpuprofile(bytes, options)],
  options: [
    {
      flag: 'drop-special-frames',
      type: 'boolean',
      default: false,
      description: 'cpuprofile: drop (program), (idle) and (garbage collector) samples',
    },
  ],
}

import type { FormatDescriptor } from '@profconv/model'
import { readCpuprofile } from './read.js'
import { sniffCpuprofile } from './sniff.js'
import { writeCpuprofile } from './write.js'

/** Chrome DevTools and `node --cpu-prof` CPU profiles. */
export const cpuprofileFormat: FormatDescriptor = {
  name: 'cpuprofile',
  description: 'Chrome DevTools / VS Code / node --cpu-prof .cpuprofile',
  extensions: ['.cpuprofile'],
  sniff: sniffCpuprofile,
  read: (bytes, options) => [readCpuprofile(bytes, options)],
  writes: 'samples',
  usesPositions: true,
  write: (profile, options) => writeCpuprofile(profile, options),
  options: [
    {
      flag: 'drop-special-frames',
      type: 'boolean',
      default: false,
      description: 'cpuprofile: drop (program), (idle) and (garbage collector) samples',
    },
  ],
}

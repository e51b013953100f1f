import type { FormatDescriptor } from '@profconv/model'
import { readSpeedscope } from './read.js'
import { sniffSpeedscope } from './sniff.js'
import { writeSpeedscope } from './write.js'

/** speedscope JSON (https://www.speedscope.app): sampled and evented profiles. */
export const speedscopeFormat: FormatDescriptor = {
  name: 'speedscope',
  description: 'speedscope JSON profile (sampled or evented)',
  extensions: ['.speedscope.json', '.speedscope'],
  sniff: sniffSpeedscope,
  read: (bytes, options) => readSpeedscope(bytes, options),
  writes: 'samples',
  write: (profile, options) => writeSpeedscope(profile, options),
}

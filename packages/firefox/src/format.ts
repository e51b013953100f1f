import type { FormatDescriptor } from '@profconv/model'
import { readFirefox } from './read.js'
import { sniffFirefox } from './sniff.js'
import { writeFirefox } from './write.js'

/** The Firefox Profiler (https://profiler.firefox.com): processed and raw Gecko JSON. */
export const firefoxFormat: FormatDescriptor = {
  name: 'firefox',
  description: 'Firefox Profiler JSON (processed or raw Gecko; writes processed)',
  extensions: ['.firefox.json', '.gecko.json'],
  sniff: sniffFirefox,
  read: (bytes, options) => readFirefox(bytes, options),
  writes: 'samples',
  write: (profile, options) => writeFirefox(profile, options),
}

import type { FormatDescriptor } from '@profconv/model'
import { readV8Prof } from './read.js'
import { sniffV8Prof } from './sniff.js'

/** `node --prof` ticks, as `node --prof-process --preprocess` writes them (read only). */
export const v8ProfFormat: FormatDescriptor = {
  name: 'v8-prof',
  description: 'V8 --prof ticks as JSON from node --prof-process --preprocess (read only)',
  extensions: ['.v8-prof.json', '.preprocess.json'],
  sniff: sniffV8Prof,
  read: (bytes, options) => [readV8Prof(bytes, options)],
}

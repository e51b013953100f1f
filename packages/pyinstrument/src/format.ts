import type { FormatDescriptor } from '@profconv/model'
import { readPyinstrument } from './read.js'
import { sniffPyinstrument } from './sniff.js'

/** pyinstrument's saved session (`.pyisession`) and `-r json` call tree. */
export const pyinstrumentFormat: FormatDescriptor = {
  name: 'pyinstrument',
  description: 'pyinstrument session (.pyisession) and -r json call tree',
  extensions: ['.pyisession'],
  sniff: sniffPyinstrument,
  read: (bytes, options) => [readPyinstrument(bytes, options)],
}

import type { FormatDescriptor } from '@profconv/model'
import { readPapyrus, readPapyrusStream } from './read.js'
import { sniffPapyrus } from './sniff.js'

/** The Papyrus script profiler's log (input only). */
export const papyrusFormat: FormatDescriptor = {
  name: 'papyrus',
  description: 'Papyrus (Skyrim, Fallout 4) script profiler log (read only)',
  extensions: [],
  sniff: sniffPapyrus,
  read: (bytes, options) => readPapyrus(bytes, options),
  readStream: (chunks, options) => readPapyrusStream(chunks, options),
}

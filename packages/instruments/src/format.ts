import type { FormatDescriptor } from '@profconv/model'
import { readInstruments, readInstrumentsStream } from './read.js'
import { sniffInstruments } from './sniff.js'

/** Xcode Instruments' call tree copied as text (input only). */
export const instrumentsFormat: FormatDescriptor = {
  name: 'instruments',
  description: 'Xcode Instruments call tree, Deep Copy text (read only)',
  extensions: ['.instruments.txt'],
  sniff: sniffInstruments,
  read: (bytes, options) => readInstruments(bytes, options),
  readStream: (chunks, options) => readInstrumentsStream(chunks, options),
}

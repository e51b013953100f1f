import type { FormatDescriptor } from '@profconv/model'
import { readInstruments, readInstrumentsStream } from './read.js'
import { sniffInstruments } from './sniff.js'
import { readXctrace, readXctraceStream } from './xctrace-read.js'
import { sniffXctrace } from './xctrace-sniff.js'

/** Xcode Instruments' call tree copied as text (input only). */
export const instrumentsFormat: FormatDescriptor = {
  name: 'instruments',
  description: 'Xcode Instruments call tree, Deep Copy text (read only)',
  extensions: ['.instruments.txt'],
  sniff: sniffInstruments,
  read: (bytes, options) => readInstruments(bytes, options),
  readStream: (chunks, options) => readInstrumentsStream(chunks, options),
}

/** `xctrace export` XML of a time-profile table (input only). */
export const xctraceFormat: FormatDescriptor = {
  name: 'xctrace',
  description: 'Instruments time-profile table, xctrace export XML (read only)',
  extensions: ['.xctrace.xml'],
  sniff: sniffXctrace,
  read: (bytes, options) => readXctrace(bytes, options),
  readStream: (chunks, options) => readXctraceStream(chunks, options),
}

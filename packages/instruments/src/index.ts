export { instrumentsFormat } from './format.js'
export { readInstruments, readInstrumentsStream } from './read.js'
export type { InstrumentsReadOptions } from './read.js'
export { sniffInstruments } from './sniff.js'

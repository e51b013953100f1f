export { pyinstrumentFormat } from './format.js'
export { readPyinstrument } from './read.js'
export { sniffPyinstrument } from './sniff.js'

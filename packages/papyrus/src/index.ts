export { papyrusFormat } from './format.js'
export { readPapyrus, readPapyrusStream } from './read.js'
export type { PapyrusReadOptions } from './read.js'
export { sniffPapyrus } from './sniff.js'

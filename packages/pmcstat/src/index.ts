export { pmcstatFormat } from './format.js'
export { readPmcstat, readPmcstatStream } from './read.js'
export type { PmcstatReadOptions } from './read.js'
export { sniffPmcstat } from './sniff.js'

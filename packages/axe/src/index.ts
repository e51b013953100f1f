export { axeFormat } from './format.js'
export { readAxe, readAxeStream } from './read.js'
export type { AxeReadOptions } from './read.js'
export { sniffAxe } from './sniff.js'

export { gprof2dotJsonFormat } from './format.js'
export { readGprof2dotJson, readGprof2dotJsonStream } from './read.js'
export type { Gprof2dotJsonReadOptions } from './read.js'
export { sniffGprof2dotJson } from './sniff.js'

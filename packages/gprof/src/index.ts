export { gprofFormat } from './format.js'
export { readGprof, readGprofStream } from './read.js'
export type { GprofReadOptions } from './read.js'
export { sniffGprof } from './sniff.js'

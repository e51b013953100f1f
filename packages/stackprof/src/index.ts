export { stackprofFormat } from './format.js'
export { readStackprof, readStackprofStream } from './read.js'
export type { StackprofReadOptions } from './read.js'
export { sniffStackprof } from './sniff.js'

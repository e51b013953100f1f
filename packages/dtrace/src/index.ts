export { dtraceFormat } from './format.js'
export { readDtrace, readDtraceStream } from './read.js'
export type { DtraceReadOptions } from './read.js'
export { sniffDtrace } from './sniff.js'

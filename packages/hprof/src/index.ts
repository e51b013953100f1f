export { hprofFormat } from './format.js'
export { readHprof, readHprofStream } from './read.js'
export type { HprofReadOptions } from './read.js'
export { sniffHprof } from './sniff.js'

export { sysprofFormat } from './format.js'
export { readSysprof, readSysprofStream } from './read.js'
export type { SysprofReadOptions } from './read.js'
export { sniffSysprof } from './sniff.js'

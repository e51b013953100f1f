export { sleepyFormat } from './format.js'
export { readSleepy, readSleepyStream } from './read.js'
export type { SleepyReadOptions } from './read.js'
export { sniffSleepy } from './sniff.js'

export { sleepyFormat } from './format.js'
export { readSleepy } from './read.js'
export { sniffSleepy } from './sniff.js'

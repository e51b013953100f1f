export { gprof2dotJsonFormat } from './format.js'
export { readGprof2dotJson } from './read.js'
export { sniffGprof2dotJson } from './sniff.js'

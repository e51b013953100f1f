export { stackprofFormat } from './format.js'
export { readStackprof } from './read.js'
export { sniffStackprof } from './sniff.js'

export { cpuprofileFormat } from './format.js'
export { SPECIAL_FRAMES, readCpuprofile } from './read.js'
export type { CpuprofileReadOptions } from './read.js'
export { sniffCpuprofile } from './sniff.js'

export { xperfFormat } from './format.js'
export { readXperf, readXperfStream } from './read.js'
export type { XperfReadOptions } from './read.js'
export { sniffXperf } from './sniff.js'

export { ghcProfJsonFormat } from './format.js'
export { readGhcProfJson, readGhcProfJsonStream } from './read.js'
export type { GhcReadOptions } from './read.js'
export { sniffGhcProfJson } from './sniff.js'

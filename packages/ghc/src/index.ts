export { ghcProfJsonFormat } from './format.js'
export { readGhcProfJson } from './read.js'
export { sniffGhcProfJson } from './sniff.js'

export { safariFormat } from './format.js'
export { readSafari } from './read.js'
export { sniffSafari } from './sniff.js'

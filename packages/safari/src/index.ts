export { safariFormat } from './format.js'
export { readSafari, readSafariStream } from './read.js'
export type { SafariReadOptions } from './read.js'
export { sniffSafari } from './sniff.js'

export { v8ProfFormat } from './format.js'
export { UNACCOUNTED, VM_STATES, readV8Prof } from './read.js'
export { sniffV8Prof } from './sniff.js'

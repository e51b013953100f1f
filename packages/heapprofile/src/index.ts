export { heapprofileFormat } from './format.js'
export { SCALED_NOTE, readHeapprofile } from './read.js'
export { sniffHeapprofile } from './sniff.js'

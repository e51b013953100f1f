export { scaleneFormat } from './format.js'
export { readScalene, SCALENE_METRICS } from './read.js'
export { sniffScalene } from './sniff.js'

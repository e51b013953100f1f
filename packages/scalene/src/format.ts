import type { FormatDescriptor } from '@profconv/model'
import { readScalene } from './read.js'
import { sniffScalene } from './sniff.js'

/** scalene's `--json` profile. */
export const scaleneFormat: FormatDescriptor = {
  name: 'scalene',
  description: 'scalene --json (per-line Python/native/system CPU and memory)',
  extensions: [],
  sniff: sniffScalene,
  read: (bytes, options) => [readScalene(bytes, options)],
}

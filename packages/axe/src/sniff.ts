import { decodeText } from '@profconv/model'
import { headerMetric } from './parser.js'

/** True when the first line is VTune's gprof-cc header (`Index  % CPU Time:Total … Name  Index`). */
export function sniffAxe(head: Uint8Array): boolean {
  return headerMetric(decodeText(head.subarray(0, 4096)).split('\n')[0]) !== undefined
}

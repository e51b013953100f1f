import type { FormatDescriptor } from '@profconv/model'
import { readGprof2dotJson, readGprof2dotJsonStream } from './read.js'
import { sniffGprof2dotJson } from './sniff.js'

/** gprof2dot's JSON profile format (input only). */
export const gprof2dotJsonFormat: FormatDescriptor = {
  name: 'gprof2dot-json',
  description: "gprof2dot's JSON profile (-f json; memtrail) (read only)",
  extensions: [],
  sniff: sniffGprof2dotJson,
  read: (bytes, options) => readGprof2dotJson(bytes, options),
  readStream: (chunks, options) => readGprof2dotJsonStream(chunks, options),
}

import type { FormatDescriptor } from '@profconv/model'
import { readGhcProfJson, readGhcProfJsonStream } from './read.js'
import { sniffGhcProfJson } from './sniff.js'

/** GHC's JSON profile, `+RTS -pj` (input only). */
export const ghcProfJsonFormat: FormatDescriptor = {
  name: 'ghc-prof-json',
  description: 'GHC profiler JSON (+RTS -pj) (read only)',
  extensions: [],
  sniff: sniffGhcProfJson,
  read: (bytes, options) => readGhcProfJson(bytes, options),
  readStream: (chunks, options) => readGhcProfJsonStream(chunks, options),
}

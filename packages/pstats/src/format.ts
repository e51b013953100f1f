import type { FormatDescriptor } from '@profconv/model'
import { readPstatsJson, writePstatsJson } from './json.js'
import { readPstats } from './read.js'
import { sniffPstats, sniffPstatsJson } from './sniff.js'
import { writePstats } from './write.js'

export const pstatsFormat: FormatDescriptor = {
  name: 'pstats',
  description: "Python cProfile/profile/yappi stats (.prof), Python's marshal format",
  extensions: ['.prof', '.pstats', '.cprof', '.profile'],
  sniff: sniffPstats,
  read: (bytes, options) => [readPstats(bytes, options)],
  writes: 'graph',
  write: (profile, options) => writePstats(profile, options),
}

export const pstatsJsonFormat: FormatDescriptor = {
  name: 'pstats-json',
  description: 'the data of a pstats file as documented JSON (lossless both ways)',
  extensions: ['.pstats.json'],
  sniff: sniffPstatsJson,
  read: (bytes, options) => [readPstatsJson(bytes, options)],
  writes: 'graph',
  write: (profile, options) => writePstatsJson(profile, options),
}

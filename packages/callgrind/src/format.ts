import type { FormatDescriptor } from '@profconv/model'
import { readCallgrind, readCallgrindStream } from './read.js'
import { sniffCallgrind } from './sniff.js'
import { encodeCallgrind } from './write.js'

/** The callgrind format (valgrind's callgrind and cachegrind, yappi, `go tool pprof -callgrind`). */
export const callgrindFormat: FormatDescriptor = {
  name: 'callgrind',
  description: 'valgrind callgrind/cachegrind text (KCachegrind, callgrind_annotate)',
  extensions: ['.callgrind'],
  fileNames: [/^(callgrind|cachegrind)\.out(\.|$)/],
  sniff: sniffCallgrind,
  read: (bytes, options) => readCallgrind(bytes, options),
  readStream: (chunks, options) => readCallgrindStream(chunks, options),
  writes: 'graph',
  usesPositions: true,
  // Bytes: the CLI saves them as they are, and no string of the whole file is made.
  write: (profile, options) => encodeCallgrind(profile, options),
}

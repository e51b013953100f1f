import type { FormatDescriptor } from '@profconv/model'
import { readCallgrind } from './read.js'
import { sniffCallgrind } from './sniff.js'
import { writeCallgrind } from './write.js'

/** The callgrind format (valgrind's callgrind and cachegrind, yappi, `go tool pprof -callgrind`). */
export const callgrindFormat: FormatDescriptor = {
  name: 'callgrind',
  description: 'valgrind callgrind/cachegrind text (KCachegrind, callgrind_annotate)',
  extensions: ['.callgrind'],
  sniff: sniffCallgrind,
  read: (bytes, options) => readCallgrind(bytes, options),
  writes: 'graph',
  write: (profile, options) => writeCallgrind(profile, options),
}

import type { FormatDescriptor } from '@profconv/model'
import { readFolded, readFoldedStream } from './read.js'
import { sniffFolded } from './sniff.js'
import { writeFolded } from './write.js'

/** Brendan Gregg's folded (collapsed) stacks, the input of flamegraph.pl and most flame-graph tools. */
export const foldedFormat: FormatDescriptor = {
  name: 'folded',
  description: 'folded/collapsed stacks (a;b;c 42), as flamegraph.pl reads',
  extensions: ['.folded', '.collapsed'],
  sniff: sniffFolded,
  read: (bytes, options) => [readFolded(bytes, options)],
  readStream: async (chunks, options) => [await readFoldedStream(chunks, options)],
  writes: 'samples',
  write: (profile, options) => writeFolded(profile, options),
  options: [
    {
      flag: 'lenient',
      type: 'boolean',
      default: false,
      description: 'folded: skip bad lines (counted in a note) instead of failing',
    },
  ],
}

/** The same format under the name `collapsed`. */
export const collapsedFormat: FormatDescriptor = {
  ...foldedFormat,
  name: 'collapsed',
  sniff: undefined,
}

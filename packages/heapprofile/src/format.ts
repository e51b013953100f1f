import type { FormatDescriptor } from '@profconv/model'
import { readHeapprofile } from './read.js'
import { sniffHeapprofile } from './sniff.js'

/** V8 sampling heap profiles (`node --heap-prof`, DevTools allocation sampling), read only. */
export const heapprofileFormat: FormatDescriptor = {
  name: 'heapprofile',
  description:
    'V8 sampling heap profile (node --heap-prof, DevTools allocation sampling; read only)',
  extensions: ['.heapprofile'],
  sniff: sniffHeapprofile,
  read: (bytes, options) => [readHeapprofile(bytes, options)],
}

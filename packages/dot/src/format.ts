import type { FormatDescriptor } from '@profconv/model'
import { writeDot } from './write.js'

export const dotFormat: FormatDescriptor = {
  name: 'dot',
  description: 'Graphviz dot call graph, drawn the way gprof2dot draws it (write only)',
  extensions: ['.dot', '.gv'],
  writes: 'graph',
  write: (profile, options) => writeDot(profile, options),
}

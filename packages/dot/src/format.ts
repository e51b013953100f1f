import type { FormatDescriptor } from '@profconv/model'
import { writeDot } from './write.js'

export const dotFormat: FormatDescriptor = {
  name: 'dot',
  description: 'Graphviz dot call graph, drawn the way gprof2dot draws it (write only)',
  extensions: ['.dot', '.gv'],
  writes: 'graph',
  write: (profile, options) => writeDot(profile, options),
  options: [
    {
      flag: 'node-thres',
      alias: 'n',
      type: 'number',
      default: 0.5,
      description: 'dot: hide functions below this % of the total',
    },
    {
      flag: 'edge-thres',
      alias: 'e',
      type: 'number',
      default: 0.1,
      description: 'dot: hide calls below this % of the total',
    },
  ],
}

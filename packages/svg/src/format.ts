import type { FormatDescriptor } from '@profconv/model'
import { DOT_OPTIONS } from '@profconv/dot'
import { writeSvg } from './write.js'

/** `-t svg`: the dot call graph rendered in-process; takes every dot option. */
export const svgFormat: FormatDescriptor = {
  name: 'svg',
  description:
    'SVG call graph (the dot drawing rendered by Graphviz compiled to WebAssembly; write only)',
  extensions: ['.svg'],
  writes: 'graph',
  write: (profile, options) => writeSvg(profile, options),
  options: DOT_OPTIONS,
}

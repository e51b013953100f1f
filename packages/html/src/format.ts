import type { FormatDescriptor } from '@profconv/model'
import { DOT_OPTIONS } from '@profconv/dot'
import { FLAMEGRAPH_OPTIONS } from '@profconv/flamegraph'
import { writeHtml } from './write.js'

const shared = (options: typeof DOT_OPTIONS, flags: string[]) =>
  options.filter((o) => flags.includes(o.flag))

/** `-t html`: the whole report in one HTML file. */
export const htmlFormat: FormatDescriptor = {
  name: 'html',
  description:
    'one self-contained HTML report: call graph (Graphviz in the page), flame graph, top table, notes (write only)',
  extensions: ['.html'],
  writes: 'graph',
  // The per-line view shows the profile's position detail where it has lines.
  usesPositions: true,
  write: (profile, options) => writeHtml(profile, options),
  options: [
    ...shared(DOT_OPTIONS, ['node-thres', 'edge-thres', 'focus', 'hide', 'ignore', 'node-count']),
    ...shared(FLAMEGRAPH_OPTIONS, ['colors', 'minwidth', 'title']),
  ],
}

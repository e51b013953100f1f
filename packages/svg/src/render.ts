// Must load before viz.js, which binds console.warn when it loads.
import { quietly } from './quiet-console.js'
import renderStringSync from '@aduh95/viz.js/sync'
import { ProfconvError } from '@profconv/model'

/**
 * Lays out a DOT graph with Graphviz's `dot` engine and writes SVG, in-process: Graphviz 5
 * compiled to WebAssembly by viz.js (the library graphviz-cli wraps), so no system Graphviz
 * is needed. Synchronous; the first call compiles the module (a few hundred milliseconds).
 */
export function renderSvg(dot: string): string {
  try {
    return quietly(() => renderStringSync(dot, { format: 'svg', engine: 'dot' }))
  } catch (error) {
    throw new ProfconvError('svg', `Graphviz could not draw the graph: ${(error as Error).message}`)
  }
}

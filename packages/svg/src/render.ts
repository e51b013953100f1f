// Must load before viz.js, which binds console.warn when it loads.
import { quietly } from './quiet-console.js'
import { createRequire } from 'node:module'
import type renderStringSync from '@aduh95/viz.js/sync'
import { ProfconvError } from '@profconv/model'

/**
 * viz.js is loaded on first use, not on import: compiling its 6 MB of wasm Graphviz was most
 * of the CLI's start-up time for every conversion, SVG or not. Resolved from this module's
 * place (or, bundled into the CLI, from the CLI's, which depends on it too).
 */
const load = createRequire(import.meta.url)
let graphviz: typeof renderStringSync | undefined

/**
 * Lays out a DOT graph with Graphviz's `dot` engine and writes SVG, in-process: Graphviz 5
 * compiled to WebAssembly by viz.js (the library graphviz-cli wraps), so no system Graphviz
 * is needed. Synchronous; the first call loads and compiles the module (a few hundred ms).
 */
export function renderSvg(dot: string): string {
  graphviz ??= load('@aduh95/viz.js/sync') as typeof renderStringSync
  try {
    return quietly(() => graphviz!(dot, { format: 'svg', engine: 'dot' }))
  } catch (error) {
    throw new ProfconvError('svg', `Graphviz could not draw the graph: ${(error as Error).message}`)
  }
}

import { ProfconvError } from '@profconv/model'

/**
 * The browser build of `renderSvg` (package.json's `browser` field swaps it in): the wasm
 * Graphviz entry used in Node reads its module from disk, so pages render the dot text
 * themselves (viz.js's browser build does it in a worker).
 */
export function renderSvg(_dot: string): string {
  throw new ProfconvError(
    'svg',
    'SVG rendering is available in Node only; in a browser write dot and render it with viz.js',
  )
}

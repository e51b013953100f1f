/**
 * The worker's stand-in for `@profconv/svg`'s `renderSvg` (build.mjs swaps it in): Graphviz
 * runs in the page (viz.js's own worker), so the SVG writer hands its dot text over instead.
 */
export class DrawInPage extends Error {
  constructor(readonly dot: string) {
    super('the SVG is drawn by the page')
  }
}

export function renderSvg(dot: string): string {
  throw new DrawInPage(dot)
}

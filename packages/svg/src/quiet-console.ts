/**
 * The wasm Graphviz binds `console.warn` when it loads and then warns, on every non-ASCII
 * character (`×`, `µ` in our labels), that it has no font metrics for it; the width it falls
 * back to is fine. This module loads first and puts a filter in front of `console.warn` that
 * drops exactly that message while `renderSvg` runs, and passes everything else through.
 */
const HARMLESS = /no value for width of non-ASCII character/
const original = console.warn
let rendering = 0

console.warn = (...args: unknown[]) => {
  if (rendering > 0 && HARMLESS.test(String(args[0]))) return
  original(...args)
}

/** Runs `draw` with Graphviz's font-metric warnings silenced. */
export function quietly<T>(draw: () => T): T {
  rendering++
  try {
    return draw()
  } finally {
    rendering--
  }
}

// Types for @aduh95/viz.js's synchronous entry point, whose exports map gives no `types`.
declare module '@aduh95/viz.js/sync' {
  /** Graphviz (compiled to WebAssembly) laying out `src` and writing it as `format`. */
  export default function renderStringSync(
    src: string,
    options?: { format?: string; engine?: string; yInvert?: boolean; nop?: number },
  ): string
}

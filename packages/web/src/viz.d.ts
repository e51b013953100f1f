// Types for @aduh95/viz.js's browser entry, whose exports map gives no `types`.
declare module '@aduh95/viz.js' {
  /** Graphviz (WebAssembly) running in `worker`. */
  export default class Viz {
    constructor(options: { worker?: Worker; workerURL?: string })
    renderString(src: string, options?: { format?: string; engine?: string }): Promise<string>
    terminateWorker(): Promise<void>
  }
}

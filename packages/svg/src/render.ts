import { createRequire } from 'node:module'
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads'
import { ProfconvError } from '@profconv/model'

/**
 * Lays out a DOT graph with Graphviz's `dot` engine and writes SVG, in-process: Graphviz 5
 * compiled to WebAssembly by viz.js (the library graphviz-cli wraps), so no system Graphviz
 * is needed. Synchronous, like every writer: Graphviz runs in a worker thread (viz.js's own
 * WebAssembly worker) and this thread waits for its answer. The first call starts the thread
 * and compiles the module (about 0.15 s of CPU); later calls reuse it. (The web page's worker
 * build swaps this module for a stand-in that hands the dot text to the page.)
 *
 * Why a thread: viz.js's synchronous entry is Graphviz translated to JavaScript (wasm2js),
 * which V8 compiles and runs several times slower than the WebAssembly build: 0.8 s of CPU for
 * a 200-box drawing the system `dot` lays out in 0.01 s, against 0.2 s for the WebAssembly
 * module (start, compile and layout; 0.05 s for a second layout). WebAssembly's own start-up
 * is asynchronous, hence the thread.
 */
export function renderSvg(dot: string): string {
  const thread = (graphviz ??= new GraphvizThread())
  try {
    return thread.render(dot)
  } finally {
    // A thread that stopped is not reused: the next call starts a new one.
    if (thread.stopped) graphviz = undefined
  }
}

/**
 * Resolved from this module's place (or, bundled into the CLI, from the CLI's, which depends
 * on viz.js too); Node resolves the symbolic links of pnpm's layout, as viz.js's worker
 * checks its own real path.
 */
const load = createRequire(import.meta.url)
let graphviz: GraphvizThread | undefined

/** What the thread answers: viz.js's reply to one render, or why it cannot answer. */
interface Reply {
  id?: number
  result?: string
  error?: { message: string }
  /** Graphviz's warnings during the render, other than the harmless font-metric one. */
  warnings?: string[]
}

/**
 * viz.js's worker (`@aduh95/viz.js/worker`, the script its `getWorker()` starts) in a thread
 * whose answers this thread can wait for. The thread is started from a few lines of source
 * that give it the `workerData` viz.js's `getWorker()` gives (its script's path, no module
 * overrides), route its answers to a port of ours with a shared flag raised (so
 * `Atomics.wait` and `receiveMessageOnPort` take them without an event loop), and then load
 * the worker script, which answers `{ id, src, options }` with `{ id, result }` or
 * `{ id, error }` (viz.js's own `Viz.renderString` protocol; the version is pinned exactly).
 * The thread is unref'd: it never keeps a process alive.
 */
class GraphvizThread {
  private readonly worker: Worker
  private readonly replies: MessagePort
  /** [0]: raised by every answer; [1]: raised when the thread ends (an answer may be lost). */
  private readonly flag = new Int32Array(new SharedArrayBuffer(8))
  private next = 0
  /** It answered without an id: it failed to load or ended (a Graphviz error has an id). */
  stopped = false

  constructor() {
    const script = load.resolve('@aduh95/viz.js/worker')
    const { port1, port2 } = new MessageChannel()
    this.replies = port1
    this.worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { __filename: script, moduleOverrides: {}, replies: port2, flag: this.flag },
      transferList: [port2],
    })
    this.worker.unref()
    // What made it stop was answered already (see THREAD_SOURCE); not thrown again later.
    this.worker.on('error', () => {})
  }

  render(dot: string): string {
    const id = this.next++
    this.worker.postMessage({
      id,
      src: dot,
      options: { format: 'svg', engine: 'dot', files: [], yInvert: false, nop: 0 },
    })
    for (;;) {
      // Lowered before looking: an answer posted after the look raises it again (the thread
      // posts, then raises), so the wait below cannot miss it.
      Atomics.store(this.flag, 0, 0)
      const reply =
        (receiveMessageOnPort(this.replies)?.message as Reply | undefined) ??
        (Atomics.load(this.flag, 1) === 1 ? {} : undefined)
      if (reply === undefined) {
        Atomics.wait(this.flag, 0, 0)
        continue
      }
      for (const warning of reply.warnings ?? []) console.warn(warning)
      if (reply.id !== undefined && reply.id !== id) continue
      if (reply.result !== undefined) return reply.result
      if (reply.id === undefined) {
        this.stopped = true
        void this.worker.terminate()
      }
      throw new ProfconvError(
        'svg',
        `Graphviz could not draw the graph: ${reply.error?.message ?? 'its thread stopped'}`,
      )
    }
  }
}

/**
 * The thread's start (CommonJS, evaluated). Graphviz warns through `console.warn`, bound when
 * the module starts; on every non-ASCII character (`×`, `µ`, `’` in our labels) it says it has
 * no font metrics for it, and the width it falls back to is fine: that warning is dropped, the
 * others go back with the reply. If the script does not take messages once loaded, or the
 * thread fails or ends, an answer says so and the second flag is raised (an answer posted as
 * a thread ends may be lost), so the waiting thread never waits for nothing.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { pathToFileURL } = require('node:url')
const { replies, flag } = workerData
const warnings = []
const send = (reply) => {
  replies.postMessage({ ...reply, warnings: warnings.splice(0) })
  Atomics.store(flag, 0, 1)
  Atomics.notify(flag, 0)
}
console.warn = (...args) => {
  const text = args.map(String).join(' ')
  if (!/no value for width of non-ASCII character/.test(text)) warnings.push(text)
}
parentPort.postMessage = send
const stop = (message) => {
  if (Atomics.load(flag, 1) === 1) return
  Atomics.store(flag, 1, 1)
  send({ error: { message } })
}
// Before viz.js's own handlers, which throw again: the thread then ends without its 'exit'.
process.on('uncaughtException', (error) => stop(String(error && error.message || error)))
process.on('exit', () => stop('its thread stopped'))
import(pathToFileURL(workerData.__filename).href).then(
  () => {
    if (parentPort.listenerCount('message') === 0)
      send({ error: { message: 'viz.js did not start its worker (its version changed?)' } })
  },
  (error) => send({ error: { message: String(error && error.message || error) } }),
)
`

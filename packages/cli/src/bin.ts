// The bundle's entry (dist/profconv.cjs): bin/profconv.js calls `run`, or `main` with sample
// commands while recording V8's code cache at build time.
import { workerData, parentPort } from 'node:worker_threads'
import { main } from './main.js'
import { runWorker } from './merge-inputs.js'

export { main }

/** A worker thread's start (merging inputs in parallel): the bin shim calls it off the main thread. */
export function worker(): void {
  runWorker(parentPort!, workerData)
}

export async function run(): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
  process.exitCode = await main(process.argv.slice(2), process)
}

// The worker bundle's entry (dist/worker.cjs): a merge's worker thread reads inputs and merges
// them (merge-inputs.ts). It holds the readers, not the command line or the writers' pages, so a
// thread starts sooner and smaller than one loading the whole CLI.
import { parentPort, workerData } from 'node:worker_threads'
import { runWorker } from './merge-inputs.js'

/** Runs the thread; `afterTask` is called after each task's results are posted. */
export function worker(afterTask?: () => void): void {
  runWorker(parentPort!, workerData, afterTask)
}

// A merge's worker thread (packages/cli/src/merge-inputs.ts): the worker bundle with its code
// cache (load.js). At build time (PROFCONV_RECORD_WORKER_CACHE) it saves what it compiled after
// each task.
const { keepYoungGeneration, load } = require('./load.js')

keepYoungGeneration()
const { exports: bundle, saveCache } = load('worker.cjs')

bundle.worker(process.env.PROFCONV_RECORD_WORKER_CACHE ? saveCache : undefined)

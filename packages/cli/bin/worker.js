// A merge's worker thread (packages/cli/src/merge-inputs.ts): the worker bundle with its code
// cache (load.js). At build time (PROFCONV_RECORD_CODE_CACHE) it saves what it compiled after
// each task.
const { exports: bundle, saveCache } = require('./load.js').load('worker.cjs')

bundle.worker(process.env.PROFCONV_RECORD_CODE_CACHE ? saveCache : undefined)

#!/usr/bin/env node
// Loads the bundled CLI with the V8 code cache recorded at build time (packages/cli/build.mjs),
// so a start compiles nothing; a cache from another Node version is rejected by V8 and the
// bundle compiles as usual. CommonJS (bin/package.json): Node starts a script faster than an
// ES module, and start-up is what this file is for.
const { readFileSync, writeFileSync } = require('node:fs')
const { createRequire } = require('node:module')
const { join } = require('node:path')
const { Writable } = require('node:stream')
const { Script } = require('node:vm')

const dir = join(__dirname, '../dist')
const file = join(dir, 'profconv.cjs')
const cacheFile = `${file}.cache`
let cachedData
try {
  cachedData = readFileSync(cacheFile)
} catch {
  // no cache: compile
}
const source = readFileSync(file, 'utf8')
const wrapper = '(function (exports, require, module, __filename, __dirname) {'
const script = new Script(`${wrapper}${source}\n})`, { filename: file, cachedData })
const bundle = { exports: {} }
script.runInThisContext()(bundle.exports, createRequire(file), bundle, file, dir)
const cli = bundle.exports
if (process.env.PROFCONV_DEBUG_CODE_CACHE === '1') {
  const state = !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted'
  process.stderr.write(`profconv: code cache ${state}\n`)
}

const training = process.env.PROFCONV_RECORD_CODE_CACHE
if (!require('node:worker_threads').isMainThread) {
  // A worker thread reading inputs for a merge (packages/cli/src/merge-inputs.ts).
  cli.worker()
} else if (training) {
  // Build time: run the given commands so that their code is compiled, then save it all.
  const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() })
  const record = async () => {
    for (const args of JSON.parse(training))
      await cli.main(args, { stdout: sink(), stderr: sink() })
    writeFileSync(cacheFile, script.createCachedData())
  }
  void record()
} else {
  void cli.run()
}

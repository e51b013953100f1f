#!/usr/bin/env node
// Loads the bundled CLI with its V8 code cache (load.js). CommonJS (bin/package.json): Node
// starts a script faster than an ES module, and start-up is what this file is for.
const { defaultYoungGeneration, load } = require('./load.js')

const { exports: cli, saveCache } = load('profconv.cjs')

const training = process.env.PROFCONV_RECORD_CODE_CACHE
if (training) {
  // Build time: run the given commands so that their code is compiled, then save it all.
  const { Writable } = require('node:stream')
  const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() })
  const record = async () => {
    for (const args of JSON.parse(training))
      await cli.main(args, { stdout: sink(), stderr: sink() })
    // V8 rejects a cache made under other flags than it is loaded with: as a start has them
    // (a merge keeps the young generation's size, src/young-generation.ts; a command of one
    // input compiles loops inline, src/loops.ts).
    defaultYoungGeneration()
    require('node:v8').setFlagsFromString('--concurrent-osr')
    saveCache()
  }
  void record()
} else {
  void cli.run()
}

#!/usr/bin/env node
// Loads the bundled CLI with the V8 code cache recorded at build time (packages/cli/build.mjs),
// so a start compiles nothing; a cache from another Node version is rejected by V8 and the
// bundle compiles as usual.
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { Script } from 'node:vm'

const file = join(dirname(fileURLToPath(import.meta.url)), '../dist/profconv.cjs')
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
const module = { exports: {} }
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file))
const cli = module.exports
if (process.env.PROFCONV_DEBUG_CODE_CACHE === '1') {
  const state = !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted'
  process.stderr.write(`profconv: code cache ${state}\n`)
}

const training = process.env.PROFCONV_RECORD_CODE_CACHE
if (training) {
  // Build time: run the given commands so that their code is compiled, then save it all.
  const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() })
  for (const args of JSON.parse(training)) await cli.main(args, { stdout: sink(), stderr: sink() })
  writeFileSync(cacheFile, script.createCachedData())
} else {
  await cli.run()
}

#!/usr/bin/env node
// Loads the bundled CLI with V8's code cache recorded at build time (packages/cli/build.mjs);
// a cache from another Node version is rejected by V8 and the bundle compiles as usual.
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
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
const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`
const script = new Script(wrapped, { filename: file, cachedData })
const module = { exports: {} }
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file))
if (process.env.PROFCONV_WRITE_CODE_CACHE === '1')
  process.once('beforeExit', () => writeFileSync(cacheFile, script.createCachedData()))

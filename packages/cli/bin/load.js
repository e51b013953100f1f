// Loads a bundle of dist/ with the V8 code cache recorded for it at build time
// (packages/cli/build.mjs), so a start compiles nothing it has compiled before; a cache from
// another Node version is rejected by V8 and the bundle compiles as usual.
const { readFileSync, renameSync, writeFileSync } = require('node:fs')
const { createRequire } = require('node:module')
const { join } = require('node:path')
const { setFlagsFromString } = require('node:v8')
const { Script } = require('node:vm')

/**
 * The V8 flag a merge's worker threads start with (set by each, before its bundle loads): the
 * young generation keeps its first size until a profile is read whole (src/young-generation.ts
 * lets it grow). A command starts under V8's default, which `defaultYoungGeneration` restores.
 */
exports.keepYoungGeneration = () => setFlagsFromString('--semi-space-growth-factor=1')
exports.defaultYoungGeneration = () => setFlagsFromString('--semi-space-growth-factor=2')

/** The exports of `dist/<name>`, and `saveCache()` (build time: records what was compiled). */
exports.load = (name) => {
  const dir = join(__dirname, '../dist')
  const file = join(dir, name)
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
  if (process.env.PROFCONV_DEBUG_CODE_CACHE === '1') {
    const state = !cachedData ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted'
    process.stderr.write(`profconv: code cache ${state}\n`)
  }
  return {
    exports: bundle.exports,
    // Whole or not at all (a worker thread may be stopped while it saves).
    saveCache: () => {
      writeFileSync(`${cacheFile}.tmp`, script.createCachedData())
      renameSync(`${cacheFile}.tmp`, cacheFile)
    },
  }
}

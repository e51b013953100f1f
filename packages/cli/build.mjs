// Bundles the CLI into dist/profconv.cjs and records V8's code cache for it, which
// bin/profconv.js loads: start-up compiles nothing it has compiled before (docs/performance.md).
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'

/**
 * string-width (through yargs → cliui) builds at load what only `--help` uses: an
 * `Intl.Segmenter` (~17 ms of ICU data) and, in 8.x, a `/^\p{RGI_Emoji}$/v` regular expression
 * (~20–40 ms to expand every emoji sequence). This builds each on first use instead. If
 * string-width changes shape, the build fails rather than silently losing the saving.
 */
const lazyStringWidth = {
  name: 'lazy-string-width',
  setup(build) {
    build.onLoad({ filter: /[/\\]string-width[/\\]index\.js$/ }, async (args) => {
      let source = await readFile(args.path, 'utf8')
      const lazy = (eager, replacement) => {
        if (!source.includes(eager)) throw new Error(`${args.path}: no \`${eager}\` found`)
        source = source.replace(eager, () => replacement)
      }
      lazy(
        'const segmenter = new Intl.Segmenter();',
        'let realSegmenter; const segmenter = { segment: (text) => (realSegmenter ??= new Intl.Segmenter()).segment(text) };',
      )
      // 8.x only; the lazy copy is built from the same pattern text.
      const rgi = String.raw`const rgiEmojiRegex = /^\p{RGI_Emoji}$/v;`
      if (source.includes('RGI_Emoji}$/v'))
        lazy(
          rgi,
          String.raw`let realRgiEmoji; const rgiEmojiRegex = { test: (text) => (realRgiEmoji ??= new RegExp('^\\p{RGI_Emoji}$', 'v')).test(text) };`,
        )
      return { contents: source, loader: 'js' }
    })
  },
}

/**
 * protobufjs loads long.js, if present, when it starts; long.js instantiates a WebAssembly
 * module as it loads (~6 ms). @profconv/pprof turns Long off (`protobuf.util.Long = null`,
 * 64-bit fields as numbers), so the bundle gives protobufjs an empty `long` and it finds none.
 */
const noLong = {
  name: 'no-long',
  setup(build) {
    build.onResolve({ filter: /^long$/ }, () => ({ path: 'long', namespace: 'no-long' }))
    build.onLoad({ filter: /.*/, namespace: 'no-long' }, () => ({
      contents: 'module.exports = null',
      loader: 'js',
    }))
  },
}

/**
 * The html writer's page script and Graphviz (~1.3 MB of string literals) in the worker bundle:
 * a worker reads inputs and never writes html, so it does not load them. Reading either there
 * would be a bug, and throws.
 */
const noPageAssets = {
  name: 'no-page-assets',
  setup(build) {
    build.onResolve({ filter: /[/\\]generated[/\\](page|viz)\.js$/ }, (args) => ({
      path: args.path,
      namespace: 'no-page-assets',
    }))
    build.onLoad({ filter: /.*/, namespace: 'no-page-assets' }, () => ({
      contents: `for (const name of ['PAGE_SCRIPT', 'VIZ_WORKER', 'VIZ_WASM_BASE64'])
        Object.defineProperty(exports, name, {
          enumerable: true,
          get() { throw new Error('profconv: the worker bundle has no html page assets') },
        })`,
      loader: 'js',
    }))
  },
}

/**
 * The same assets in the CLI's bundle, loaded from dist/page-assets.cjs when the html writer first
 * reads them: kept in the bundle, their 1.3 MB of string literals were read, and deserialised
 * from the code cache (half of its 2.4 MB), at every start of every command (~10 ms of CPU and
 * ~8 MB of memory; docs/performance.md).
 */
const lazyPageAssets = {
  name: 'lazy-page-assets',
  setup(build) {
    build.onResolve({ filter: /[/\\]generated[/\\](page|viz)\.js$/ }, (args) => ({
      path: args.path,
      namespace: 'lazy-page-assets',
    }))
    build.onLoad({ filter: /.*/, namespace: 'lazy-page-assets' }, () => ({
      contents: `let assets
        for (const name of ['PAGE_SCRIPT', 'VIZ_WORKER', 'VIZ_WASM_BASE64'])
          Object.defineProperty(exports, name, {
            enumerable: true,
            get: () => (assets ??= require(require('node:path').join(__dirname, 'page-assets.cjs')))[name],
          })`,
      loader: 'js',
    }))
  },
}

const common = {
  bundle: true,
  platform: 'node',
  // CommonJS, because Node 20 takes a code cache only for scripts (vm.Script), not ES modules.
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  // Node 20 has RegExp's `v` flag: lowering string-width's /…/v literals to `new RegExp(…)`
  // would parse them at every start instead of once into the code cache.
  supported: { 'regexp-set-notation': true },
  define: { 'import.meta.url': '__profconvUrl' },
  banner: { js: "const __profconvUrl = require('node:url').pathToFileURL(__filename).href;" },
}
await build({
  ...common,
  entryPoints: ['dist/bin.js'],
  outfile: 'dist/profconv.cjs',
  plugins: [lazyStringWidth, noLong, lazyPageAssets],
})
// The html writer's page script and Graphviz, which the CLI's bundle loads from here.
await build({
  ...common,
  stdin: {
    contents: "export * from './page.js'\nexport * from './viz.js'",
    resolveDir: '../html/dist/generated',
    sourcefile: 'page-assets.js',
  },
  outfile: 'dist/page-assets.cjs',
})
// A merge's worker threads (src/worker.ts): the readers and the merge, no command line.
await build({
  ...common,
  entryPoints: ['dist/worker.js'],
  outfile: 'dist/worker.cjs',
  plugins: [noLong, noPageAssets],
})

// Run sample conversions with the cache recorder on: V8 saves the code of every function they
// compiled (module set-up, yargs, readers and writers), so later starts skip parsing and
// compiling it. Samples come from the repository's test-data; without it, only --help runs.
const data = (path) => `../../test-data/${path}`
const samples = [
  ['pstats/asyncio_app.prof', 'dot'],
  ['pstats/classes.prof', 'callgrind'],
  ['pstats/classes.prof', 'top'],
  ['callgrind/rec-plain.callgrind', 'dot'],
  ['callgrind/yappi.callgrind', 'pstats'],
  ['pprof/cpu.pb.gz', 'speedscope'],
  ['pprof/heap.pb.gz', 'callgrind'],
  ['cpuprofile/workload.cpuprofile', 'pprof'],
  ['folded/perf.folded', 'folded'],
  ['folded/perf-script.txt', 'top'],
]
const commands = [
  ['--help'],
  ...samples.filter(([path]) => existsSync(data(path))).map(([path, to]) => [data(path), '-t', to]),
]
// A merge of several inputs: the fold (in the main thread, as fewer than 8 inputs are).
const pprof = data('pprof/cpu.pb.gz')
if (existsSync(pprof)) commands.push(['merge', pprof, pprof, '-t', 'pprof'])
await rm('dist/profconv.cjs.cache', { force: true })
await rm('dist/worker.cjs.cache', { force: true })
execFileSync(process.execPath, ['bin/profconv.js'], {
  env: { ...process.env, PROFCONV_RECORD_CODE_CACHE: JSON.stringify(commands) },
  stdio: 'inherit',
})
// The worker bundle's cache, from a merge of pprof files in a worker (alone in its process: V8
// takes a cache only under the flags it was made with, which reading other profiles changes).
if (existsSync(pprof)) {
  execFileSync(
    process.execPath,
    ['bin/profconv.js', 'merge', ...Array(16).fill(pprof), '-t', 'pprof', '--jobs', '2'],
    {
      env: { ...process.env, PROFCONV_RECORD_WORKER_CACHE: '1' },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
}

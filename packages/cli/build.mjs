// Bundles the CLI into dist/profconv.cjs and records V8's code cache for it, which
// bin/profconv.js loads: start-up compiles nothing it has compiled before (docs/performance.md).
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { readFile, rm } from 'node:fs/promises'

/**
 * string-width (through yargs → cliui) builds an `Intl.Segmenter` when its module loads, which
 * loads ICU data (~17 ms) on every start, though only `--help` measures text. This creates it
 * on first use instead; if string-width changes shape, the build fails rather than silently
 * losing the saving.
 */
const lazySegmenter = {
  name: 'lazy-segmenter',
  setup(build) {
    build.onLoad({ filter: /[/\\]string-width[/\\]index\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8')
      const eager = 'const segmenter = new Intl.Segmenter();'
      if (!source.includes(eager)) throw new Error(`${args.path}: no eager Intl.Segmenter found`)
      const lazy =
        'let eagerSegmenter; const segmenter = { segment: (text) => (eagerSegmenter ??= new Intl.Segmenter()).segment(text) };'
      return { contents: source.replace(eager, lazy), loader: 'js' }
    })
  },
}

await build({
  entryPoints: ['dist/bin.js'],
  outfile: 'dist/profconv.cjs',
  bundle: true,
  platform: 'node',
  // CommonJS, because Node 20 takes a code cache only for scripts (vm.Script), not ES modules.
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  // Node 20 has RegExp's `v` flag: lowering string-width's /\p{RGI_Emoji}/v literals to
  // `new RegExp(…)` would build them at every start (~19 ms) instead of once into the cache.
  supported: { 'regexp-set-notation': true },
  plugins: [lazySegmenter],
  define: { 'import.meta.url': '__profconvUrl' },
  banner: { js: "const __profconvUrl = require('node:url').pathToFileURL(__filename).href;" },
})

// Run the CLI once with the cache recorder on: V8 writes the code of every function the run
// compiled (module set-up, yargs, help), so later starts skip parsing and compiling them.
await rm('dist/profconv.cjs.cache', { force: true })
execFileSync(process.execPath, ['bin/profconv.js', '--help'], {
  env: { ...process.env, PROFCONV_WRITE_CODE_CACHE: '1' },
  stdio: 'ignore',
})

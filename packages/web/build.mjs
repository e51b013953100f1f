// Builds the web page into dist/: static files, deployable as they are (GitHub Pages, any web
// server). esbuild bundles the page (src/main.ts) and the conversion worker (src/worker.ts), as
// packages/html's build-page.mjs bundles the report's script; viz.js's Graphviz worker and wasm
// are copied beside them; the service worker gets the list of files and a version.
// usage: node build.mjs   (part of `pnpm build`; `pnpm web:build` from the repository root)
import { build } from 'esbuild'
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BODY, STYLE } from '@profconv/html/page'

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, 'dist')
const require = createRequire(import.meta.url)
const vizDir = dirname(require.resolve('@aduh95/viz.js/wasm'))
rmSync(out, { recursive: true, force: true })
mkdirSync(out)

/** In the worker, the SVG writer's Graphviz call hands the dot text to the page (svg-render.ts). */
const svgInPage = {
  name: 'svg-in-page',
  setup(b) {
    b.onResolve({ filter: /[/\\]render(-browser)?\.js$/ }, (args) =>
      /[/\\]svg[/\\]dist$/.test(args.resolveDir)
        ? { path: join(here, 'src/svg-render.ts') }
        : undefined,
    )
  },
}

const common = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
}
await build({ ...common, entryPoints: [join(here, 'src/main.ts')], outfile: join(out, 'app.js') })
await build({
  ...common,
  entryPoints: [join(here, 'src/worker.ts')],
  outfile: join(out, 'convert-worker.js'),
  plugins: [svgInPage],
})

// viz.js's worker is an ES module ending in an export; as a classic worker it keeps its setup
// function, given the wasm of this site (fetched once, then kept by the service worker).
let viz = readFileSync(join(vizDir, 'render.browser.js'), 'utf8')
const tail = 'export{i as default,a as onmessage};'
if (!viz.trimEnd().endsWith(tail)) throw new Error('viz.js render.browser.js changed shape')
viz = `${viz.trimEnd().slice(0, -tail.length)}i(fetch('render.wasm').then(function(r){return r.arrayBuffer()}).then(function(b){return{wasmBinary:new Uint8Array(b),locateFile:function(p){return p}}}));`
writeFileSync(join(out, 'viz-worker.js'), viz)
writeFileSync(join(out, 'render.wasm'), readFileSync(join(vizDir, 'render.wasm')))

const page = readFileSync(join(here, 'src/index.html'), 'utf8')
  .replace('/*REPORT-STYLE*/', () => STYLE)
  .replace('<!--REPORT-BODY-->', () => BODY)
writeFileSync(join(out, 'index.html'), page)
writeFileSync(join(out, 'web.css'), readFileSync(join(here, 'src/web.css')))

const files = readdirSync(out).sort()
const hash = createHash('sha256')
for (const f of files) hash.update(f).update(readFileSync(join(out, f)))
const sw = readFileSync(join(here, 'src/sw.js'), 'utf8')
  .replace('__VERSION__', `profconv-${hash.digest('hex').slice(0, 16)}`)
  .replace("['__FILES__']", JSON.stringify(['./', ...files]))
writeFileSync(join(out, 'sw.js'), sw)

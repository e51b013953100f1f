// The README's pictures, made from bundled fixtures with the built CLI and headless Debian
// Chromium (playwright-core): docs/flamegraph.svg (the interactive flame graph of a Go CPU
// profile), docs/flamegraph.png (a screenshot of it, searched as a person would) and
// docs/report.png (the HTML report of a cProfile run, its call graph drawn in the page) and
// docs/report-lines.png (the report of a callgrind run: a function's costs per source line).
// usage: pnpm build && node scripts/pictures.mjs
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const DOCS = join(ROOT, 'docs')
mkdirSync(DOCS, { recursive: true })
mkdirSync(join(ROOT, 'out'), { recursive: true })

function profconv(...args) {
  const result = spawnSync('node', [join(ROOT, 'packages/cli/bin/profconv.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  if (result.status !== 0) throw new Error(`profconv ${args.join(' ')}: ${result.stderr}`)
}

profconv(
  'test-data/pprof/cpu.pb.gz',
  '-t',
  'flamegraph',
  '--title',
  'Go CPU profile (test-data/pprof/cpu.pb.gz)',
  '-o',
  'docs/flamegraph.svg',
)

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
})
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 440 } })
  await page.goto(`${pathToFileURL(join(DOCS, 'flamegraph.svg')).href}?s=spin`)
  const height = await page.evaluate(() => Number(document.documentElement.getAttribute('height')))
  await page.setViewportSize({ width: 1200, height })
  await page.locator('.fg-frames > g', { hasText: 'main.work' }).first().hover()
  await page.screenshot({ path: join(DOCS, 'flamegraph.png') })

  profconv('test-data/pstats/recursion.prof', '-t', 'html', '-o', 'out/report.html')
  const report = await browser.newPage({ viewport: { width: 1200, height: 760 } })
  await report.goto(pathToFileURL(join(ROOT, 'out/report.html')).href)
  await report.waitForSelector('body[data-drawn^="graph:"]')
  await report.locator('#graph g.node', { hasText: 'is_odd' }).click()
  await report.screenshot({ path: join(DOCS, 'report.png') })

  profconv(
    'test-data/callgrind/rec-instr.callgrind',
    '-t',
    'html',
    '-q',
    '-o',
    'out/report-lines.html',
  )
  const lines = await browser.newPage({ viewport: { width: 1000, height: 450 } })
  await lines.goto(pathToFileURL(join(ROOT, 'out/report-lines.html')).href)
  await lines.waitForSelector('body[data-loaded]', { state: 'attached' })
  await lines.locator('#tab-top').click()
  await lines.locator('#top-search').fill('^fill_and_sum ')
  await lines.locator('#top tbody tr').first().click()
  await lines.waitForSelector('body[data-drawn^="lines:"]', { state: 'attached' })
  await lines.screenshot({ path: join(DOCS, 'report-lines.png') })
} finally {
  await browser.close()
}
console.log(
  'wrote docs/flamegraph.svg, docs/flamegraph.png, docs/report.png, docs/report-lines.png',
)

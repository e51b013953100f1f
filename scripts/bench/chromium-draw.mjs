// Opens a file (a flame graph SVG, an HTML report) in headless Debian Chromium and prints, as
// JSON, the milliseconds from navigation to the first frame drawn after the load event (two
// animation frames; for the report, after its call graph is drawn), and for flame graphs the
// time of one regex search over every box.
// usage: node scripts/bench/chromium-draw.mjs FILE [search-regex]
import { pathToFileURL } from 'node:url'
import { resolve } from 'node:path'
import { chromium } from 'playwright-core'

const [file, pattern = 'a'] = process.argv.slice(2)
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
})
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const started = Date.now()
  await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load', timeout: 120_000 })
  // The HTML report draws its call graph after load (Graphviz in a worker).
  if (await page.$('#profconv-data'))
    await page.waitForSelector('body[data-drawn]', { state: 'attached', timeout: 120_000 })
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))),
  )
  const drawMs = Date.now() - started
  const searchMs = await page.evaluate((source) => {
    const svg = document.querySelector('svg')
    if (!svg?.flamegraph) return undefined
    const t = performance.now()
    svg.flamegraph.search(source)
    return performance.now() - t
  }, pattern)
  console.log(JSON.stringify({ drawMs, searchMs }))
} finally {
  await browser.close()
}

// Opens a file (a flame graph SVG, an HTML report) in headless Debian Chromium and prints, as
// JSON, milliseconds from navigation (the page's own clock, performance.now()):
// - loadMs: to the load event (the file read and parsed);
// - drawMs: to the first animation frame after the first view is drawn: for the report, once
//   its call graph is in the page (Graphviz in a worker, after load); for an SVG, after load;
// - readyMs (report): to the profile read and decoded, which the report does after that frame;
// and for flame graphs searchMs, the time of one regex search over every box.
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
  // The frame after the report sets body[data-drawn] (its first view is in the page).
  await page.addInitScript(() => {
    const seen = new MutationObserver(() => {
      if (document.body?.dataset.drawn === undefined) return
      seen.disconnect()
      requestAnimationFrame(() => (window.profconvFirstFrame = performance.now()))
    })
    seen.observe(document, { subtree: true, attributes: true, attributeFilter: ['data-drawn'] })
  })
  await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: 'load', timeout: 300_000 })
  const loadMs = await page.evaluate(
    () => performance.getEntriesByType('navigation')[0]?.loadEventStart ?? performance.now(),
  )
  let drawMs
  let readyMs
  if (await page.$('#profconv-data')) {
    await page.waitForFunction(() => window.profconvFirstFrame !== undefined, undefined, {
      timeout: 300_000,
    })
    drawMs = await page.evaluate(() => window.profconvFirstFrame)
    await page.waitForSelector('body[data-loaded]', { state: 'attached', timeout: 300_000 })
    readyMs = await page.evaluate(() => Number(document.body.dataset.loaded))
  } else {
    drawMs = await page.evaluate(
      () => new Promise((done) => requestAnimationFrame(() => done(performance.now()))),
    )
  }
  const searchMs = await page.evaluate((source) => {
    const svg = document.querySelector('svg')
    if (!svg?.flamegraph) return undefined
    const t = performance.now()
    svg.flamegraph.search(source)
    return performance.now() - t
  }, pattern)
  const round = (v) => (v === undefined ? undefined : Math.round(v))
  console.log(
    JSON.stringify({
      loadMs: round(loadMs),
      drawMs: round(drawMs),
      readyMs: round(readyMs),
      searchMs: round(searchMs),
    }),
  )
} finally {
  await browser.close()
}

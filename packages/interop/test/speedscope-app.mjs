// Opens files in the real speedscope app (the `speedscope` npm package's dist/release) in
// headless Debian Chromium, driven by playwright-core, served from a loopback HTTP server.
// Shared by test/e2e.test.ts and scripts/fixtures-speedscope.mjs.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { URL } from 'node:url'
import { dirname, extname, join, normalize } from 'node:path'
import { launchChromium } from '@profconv/testkit'

const require = createRequire(import.meta.url)
/** The speedscope app's folder inside its npm package. */
export const appDir = join(dirname(require.resolve('speedscope/package.json')), 'dist/release')

const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
}

/**
 * Runs `body` with a page of the speedscope app. `files` maps names to contents served at
 * `/files/<name>`; `open(name)` loads one into the app through `#profileURL=`.
 */
export async function withSpeedscopeApp(files, body) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname)
    let data
    if (path.startsWith('/files/') && files[path.slice(7)] !== undefined) {
      data = files[path.slice(7)]
    } else if (path.startsWith('/app/')) {
      const rel = normalize(path.slice(5) || 'index.html')
      if (rel.startsWith('..')) return res.writeHead(403).end()
      try {
        data = readFileSync(join(appDir, rel))
      } catch {
        return res.writeHead(404).end()
      }
    } else {
      return res.writeHead(404).end()
    }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' })
    res.end(data)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const base = `http://127.0.0.1:${server.address().port}`
  // speedscope draws with WebGL.
  const session = await launchChromium({ webgl: true })
  try {
    const context = await session.browser.newContext({ acceptDownloads: true })
    const page = await context.newPage()
    const errors = []
    page.on('pageerror', (e) => errors.push(e.message))
    const open = async (name) => {
      const url = `${base}/app/index.html#profileURL=${encodeURIComponent(`${base}/files/${name}`)}`
      await page.goto('about:blank')
      await page.goto(url)
      await page.waitForSelector('canvas', { timeout: 30000 })
    }
    return await body({ page, open, base, errors })
  } finally {
    await session.close()
    server.close()
  }
}

/**
 * Names in speedscope's sandwich view (its DOM table of every function), as shown. With `expected`,
 * the table is read again until every expected name is in it or 10 s have passed (the app fills
 * the table after the view appears; a read right after the header could miss rows).
 */
/* global document */
export async function sandwichNames(page, expected = []) {
  await page.keyboard.press('3')
  await page.waitForSelector('text=Symbol Name', { timeout: 30000 })
  const read = () =>
    page.evaluate(() => {
      const rows = [...document.querySelectorAll('tr, [role=row]')]
      return rows.map((r) => r.textContent ?? '')
    })
  let rows = await read()
  for (let waited = 0; waited < 10000; waited += 200) {
    const text = rows.join('\n')
    if (expected.every((name) => text.includes(name))) break
    await page.waitForTimeout(200)
    rows = await read()
  }
  return rows
}

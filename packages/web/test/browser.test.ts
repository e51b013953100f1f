import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BrowserContext, Page } from 'playwright-core'
import { getFormat } from '@profconv/core'
import {
  CHROMIUM,
  HOSTILE_NAMES,
  describeWithTool,
  fixture,
  fixturePath,
  hostilePstatsJson,
  launchChromium,
  type ChromiumSession,
} from '@profconv/testkit'
// @ts-expect-error: a plain JavaScript module without types
import { serve } from '../serve.mjs'

const HERE = fileURLToPath(new URL('..', import.meta.url))
const DIST = join(HERE, 'dist')
const CLI = join(HERE, '..', 'cli', 'bin', 'profconv.js')

/** The built CLI, as a user runs it: its stdout bytes, stderr and exit code. */
function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { maxBuffer: 1 << 28 })
  return { stdout: r.stdout, stderr: r.stderr.toString(), status: r.status }
}

/** The first label line of every box of the CLI's `-t dot` drawing. */
function dotLabels(...args: string[]): string[] {
  const dot = cli(...args, '-t', 'dot', '--node-count', '200').stdout.toString()
  return [...dot.matchAll(/^\t\d+ \[.*?label="((?:[^"\\]|\\.)*?)\\n/gm)]
    .map((m) => m[1].replace(/\\(.)/g, '$1'))
    .sort()
}

const FIXTURES = {
  pstats: 'pstats/recursion.prof',
  callgrind: 'callgrind/rec-instr.callgrind',
  pprof: 'pprof/cpu.pb.gz',
  speedscope: 'speedscope/perf-script.speedscope.json',
}

describeWithTool(CHROMIUM, 'the web page in Chromium', () => {
  let session: ChromiumSession
  let context: BrowserContext
  let server: Server
  let origin: string
  let dir: string
  /** Every request of the context (pages, workers, service worker), and every dialog. */
  const requests: string[] = []
  const dialogs: string[] = []

  beforeAll(async () => {
    if (!existsSync(join(DIST, 'index.html')))
      execFileSync(process.execPath, ['build.mjs'], { cwd: HERE })
    server = await serve(DIST, 0)
    origin = `http://127.0.0.1:${(server.address() as { port: number }).port}/`
    session = await launchChromium()
    dir = session.dir
    context = await session.browser.newContext({
      acceptDownloads: true,
      viewport: { width: 1280, height: 900 },
    })
    context.on('request', (r) => requests.push(r.url()))
    context.on('page', (p) =>
      p.on('dialog', (d) => {
        dialogs.push(d.message())
        void d.dismiss()
      }),
    )
  })
  afterAll(async () => {
    await session?.close()
    server?.close()
  })

  /** A fresh page of the site; its errors are collected. */
  async function newPage() {
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(origin)
    await page.locator('#to option').first().waitFor({ state: 'attached' })
    return { page, errors }
  }

  /** Waits until the graph view has drawn more than `after` times; answers the count. */
  async function drawn(page: Page, view: string, after: number): Promise<number> {
    await page.waitForFunction(
      ([v, n]) => {
        const d = document.body.dataset.drawn
        return d !== undefined && d.startsWith(`${v}:`) && Number(d.split(':')[1]) > Number(n)
      },
      [view, after] as const,
      { timeout: 30_000 },
    )
    return drawCount(page)
  }
  const drawCount = async (page: Page) =>
    Number((await page.evaluate(() => document.body.dataset.drawn ?? ':0'))!.split(':')[1])

  /** Opens files with the page's file input and waits until they are read and drawn. */
  async function openFiles(page: Page, files: Parameters<Page['setInputFiles']>[1]) {
    const before = await drawCount(page)
    const count = Array.isArray(files) ? files.length : 1
    const read = Number((await page.evaluate(() => document.body.dataset.read)) ?? 0)
    await page.setInputFiles('#open', files)
    await page.waitForFunction((n) => Number(document.body.dataset.read) >= n, read + count)
    return before
  }

  const boxLabels = (page: Page) =>
    page.$$eval('#graph g.node', (gs) =>
      gs.map((g) => g.querySelector('text')?.textContent ?? '').sort(),
    )

  test('each fixture: the CLI’s info and boxes, and no request outside the page’s own server', async () => {
    const { page, errors } = await newPage()
    for (const [name, path] of Object.entries(FIXTURES)) {
      await page.locator('#clear').click()
      const before = await openFiles(page, fixturePath(path))
      await drawn(page, 'graph', before)
      const expected = dotLabels(fixturePath(path))
      expect(expected.length).toBeGreaterThan(3)
      expect(await boxLabels(page)).toEqual(expected)
      // `profconv info`, with the file's name for its path.
      const info = cli('info', fixturePath(path)).stdout.toString().trimEnd()
      const base = path.slice(path.lastIndexOf('/') + 1)
      expect(await page.locator('#summary').textContent()).toBe(
        info.split(fixturePath(path)).join(base),
      )
      expect(await page.locator('#files .status').textContent()).toBe(
        name === 'pprof' ? 'pprof' : name,
      )
    }
    const foreign = requests.filter((r) => !r.startsWith(origin) && !r.startsWith('blob:'))
    expect(foreign).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  test('a focus click and a threshold change lay the graph out again', async () => {
    const { page, errors } = await newPage()
    const file = fixturePath(FIXTURES.pstats)
    let n = await drawn(page, 'graph', await openFiles(page, file))
    const all = await boxLabels(page)
    await page.locator('#graph g.node', { hasText: 'is_odd' }).click()
    await page.locator('#menu button[data-action=focus]').click()
    n = await drawn(page, 'graph', n)
    const focused = await boxLabels(page)
    expect(focused).toEqual(dotLabels(file, '--focus', '^is_odd$'))
    expect(focused.length).toBeLessThan(all.length)
    await page.locator('#filters .chip').click()
    n = await drawn(page, 'graph', n)
    expect(await boxLabels(page)).toEqual(all)
    await page.locator('#node-thres').fill('30')
    await page.locator('#node-thres').dispatchEvent('change')
    await drawn(page, 'graph', n)
    expect(await boxLabels(page)).toEqual(dotLabels(file, '--node-thres', '30'))
    expect(errors).toEqual([])
    await page.close()
  })

  test('downloads are the CLI’s bytes for the same inputs and options', async () => {
    const { page, errors } = await newPage()
    const pstats = [fixturePath('pstats/recursion.prof'), fixturePath('pstats/recursion-2.prof')]
    const pprof = fixturePath(FIXTURES.pprof)
    const cases: [string[], string, Record<string, string>][] = [
      [pstats, 'dot', { 'node-thres': '2', 'edge-thres': '1' }],
      [pstats, 'pstats', {}],
      [pstats, 'callgrind', {}],
      [pstats, 'svg', {}],
      [[pprof], 'speedscope', {}],
      [[pprof], 'folded', {}],
      [[pprof], 'callgrind', {}],
      [[pprof], 'pprof', {}],
      [[fixturePath(FIXTURES.callgrind)], 'pprof', {}],
      [[fixturePath(FIXTURES.callgrind)], 'folded', {}],
    ]
    let opened = ''
    for (const [inputs, to, options] of cases) {
      if (opened !== inputs.join()) {
        await page.locator('#clear').click()
        await drawn(page, 'graph', await openFiles(page, inputs))
        opened = inputs.join()
      }
      await page.locator('#to').selectOption(to)
      for (const [flag, value] of Object.entries(options))
        await page.locator(`#to-options label:has-text("--${flag} ") input`).fill(value)
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('#download-button').click(),
      ])
      const got = readFileSync((await download.path())!)
      const flags = Object.entries(options).flatMap(([k, v]) => [`--${k}`, v])
      const expected = cli(...inputs, '-t', to, ...flags).stdout
      expect(got.toString('latin1')).toBe(expected.toString('latin1'))
      expect(download.suggestedFilename()).toMatch(
        new RegExp(`${getFormat(to).extensions[0].replace('.', '\\.')}$`),
      )
    }
    expect(errors).toEqual([])
    await page.close()
  })

  test('a bad file shows the CLI’s one-line error beside its name', async () => {
    const { page } = await newPage()
    const bytes = Buffer.from(fixture('pstats/recursion.prof')).subarray(0, 300)
    await openFiles(page, {
      name: 'broken.prof',
      mimeType: 'application/octet-stream',
      buffer: bytes,
    })
    const file = join(dir, 'broken.prof')
    writeFileSync(file, bytes)
    const line = cli(file, '-t', 'dot').stderr.trim()
    expect(line).toMatch(/^profconv: error: /)
    const message = line.replace(`profconv: error: ${file}: `, '')
    expect(await page.locator('#files li .name').textContent()).toBe('broken.prof')
    expect(await page.locator('#files li .status').textContent()).toBe(`error: ${message}`)
    await page.close()
  })

  test('names are data: hostile function, file and file names render as text', async () => {
    // The binary pstats file a user would open, of the testkit's hostile profile.
    const [profile] = getFormat('pstats-json').read!(hostilePstatsJson(), {})
    const bytes = getFormat('pstats').write!(profile, {}) as Uint8Array
    const { page, errors } = await newPage()
    const scripts = await page.locator('script').count()
    const fileName = '<img src=x onerror=alert(8)>.prof'
    const before = await openFiles(page, {
      name: fileName,
      mimeType: 'text/plain',
      buffer: Buffer.from(bytes),
    })
    await drawn(page, 'graph', before)
    await page.locator('#node-thres').fill('0')
    await page.locator('#node-thres').dispatchEvent('change')
    await drawn(page, 'graph', before + 1)
    const boxes = await page.locator('#graph g.node').count()
    expect(boxes).toBe(HOSTILE_NAMES.length + 1)
    for (let i = 0; i < boxes; i++) {
      // A click can land while the graph is still being replaced by its last layout: click the
      // box again (a few times at most) until its menu shows.
      for (let attempt = 0; ; attempt++) {
        await page.locator('#graph g.node').nth(i).click()
        try {
          await page.locator('#menu .menu-name').waitFor({ timeout: 5000 })
          break
        } catch (error) {
          if (attempt === 4) throw error
        }
      }
    }
    expect(await page.locator('#files .name').textContent()).toBe(fileName)
    const summary = (await page.locator('#summary').textContent())!
    expect(summary.startsWith(fileName)).toBe(true)
    await page.locator('#tab-top').click()
    await drawn(page, 'top', 0)
    const cells = await page.$$eval('#top tbody tr td:last-child', (tds) =>
      tds.map((t) => t.textContent),
    )
    for (const [i, name] of HOSTILE_NAMES.entries())
      expect(cells).toContain(`${name} (<b>${i}</b>.py)`)
    await page.locator('#tab-flame').click()
    await drawn(page, 'flame', 0)
    await page.locator('#to').selectOption('dot')
    await Promise.all([page.waitForEvent('download'), page.locator('#download-button').click()])
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.frameLocator('#flame').locator('img').count()).toBe(0)
    expect(await page.locator('b').count()).toBe(0)
    expect(await page.locator('script').count()).toBe(scripts)
    expect(dialogs).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  test('a large callgrind file is read in the worker, with progress shown', async () => {
    // ~11 MB: 40,000 functions, each calling the next, with 40 cost lines apiece.
    const parts = ['# callgrind format\nevents: Ir\n']
    const n = 40_000
    for (let i = 0; i < n; i++) {
      parts.push(`fn=(${i}) function_number_${i}\n`)
      for (let l = 1; l <= 40; l++) parts.push(`${l} ${(i % 7) + l}\n`)
      if (i + 1 < n) parts.push(`cfn=(${i + 1})\ncalls=1 1\n41 1000\n`)
    }
    const bytes = Buffer.from(parts.join(''))
    expect(bytes.length).toBeGreaterThan(10e6)
    const { page, errors } = await newPage()
    // Every status the row shows, as the page's own thread sees it.
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { seen: string[] }).seen = [])
      new MutationObserver((records) => {
        for (const r of records) for (const node of r.addedNodes) seen.push(node.textContent ?? '')
      }).observe(document.querySelector('#files')!, {
        subtree: true,
        childList: true,
        characterData: true,
      })
    })
    const file = join(dir, 'callgrind.out.big')
    writeFileSync(file, bytes)
    await openFiles(page, file)
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen)
    const percents = seen
      .map((s) => /^reading… (\d+)%$/.exec(s)?.[1])
      .filter((p) => p !== undefined)
      .map(Number)
    expect(percents.filter((p) => p > 0 && p < 100).length).toBeGreaterThan(5)
    expect([...percents].sort((a, b) => a - b)).toEqual(percents)
    expect(seen.at(-1)).toBe('callgrind')
    expect(await page.locator('#summary').textContent()).toMatch(/functions {4}40000/)
    expect(errors).toEqual([])
    await page.close()
  })

  test('offline once loaded: with the server gone, the page opens again and converts', async () => {
    const { page } = await newPage()
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
    await page
      .waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
        timeout: 10_000,
      })
      .catch(async () => {
        await page.reload()
        await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
      })
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
    const offline = await context.newPage()
    await offline.goto(origin)
    await offline.locator('#to option').first().waitFor({ state: 'attached' })
    const before = await openFiles(offline, fixturePath(FIXTURES.pstats))
    await drawn(offline, 'graph', before)
    expect(await boxLabels(offline)).toEqual(dotLabels(fixturePath(FIXTURES.pstats)))
    await page.close()
    await offline.close()
  })
})

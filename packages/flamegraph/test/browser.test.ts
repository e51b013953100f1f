import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import { readPprof } from '@profconv/pprof'
import { writeFolded } from '@profconv/folded'
import {
  CHROMIUM,
  HOSTILE_NAMES,
  describeWithTool,
  fixture,
  launchChromium,
  watchPage,
  type ChromiumSession,
} from '@profconv/testkit'
import { writeFlamegraph } from '../src/index.js'
import { stacksProfile } from './profiles.js'

/** A box as the page shows it: label from its title, rect geometry, classes. */
async function boxes(page: Page) {
  return page.$$eval('.fg-frames > g', (gs) =>
    gs.map((g) => {
      const rect = g.querySelector('rect')!
      return {
        label: g.querySelector('title')!.textContent!.slice(0, Number(g.getAttribute('data-l'))),
        x: Number(rect.getAttribute('x')),
        width: Number(rect.getAttribute('width')),
        y: Number(rect.getAttribute('y')),
        hidden: g.classList.contains('fg-hide'),
        parent: g.classList.contains('fg-parent'),
        text: g.querySelector('text')!.textContent,
      }
    }),
  )
}

describeWithTool(CHROMIUM, 'the flame graph in Chromium', () => {
  let session: ChromiumSession
  let url: string
  const profile = readPprof(fixture('pprof/cpu.pb.gz'))
  const folded = writeFolded(profile)

  beforeAll(async () => {
    session = await launchChromium()
    const file = join(session.dir, 'cpu.svg')
    writeFileSync(file, writeFlamegraph(profile))
    url = pathToFileURL(file).href
  })
  afterAll(() => session?.close())

  async function open(query = ''): Promise<{ page: Page; errors: string[]; dialogs: string[] }> {
    const page = await session.browser.newPage({ viewport: { width: 1200, height: 700 } })
    const { errors, dialogs } = watchPage(page)
    await page.goto(url + query)
    return { page, errors, dialogs }
  }

  test('loads; a click zooms: the clicked box spans the whole width, its ancestors stay dimmed', async () => {
    const { page, errors } = await open()
    const before = await boxes(page)
    const target = before.findIndex((b) => b.label.startsWith('main.main.func2'))
    expect(before[target].width).toBeLessThan(1180)
    await page
      .locator('.fg-frames > g')
      .nth(target)
      .click({ position: { x: 2, y: 5 } })
    const after = await boxes(page)
    expect(after[target]).toMatchObject({ x: 10, width: 1180, hidden: false, parent: false })
    const func1 = after.find((b) => b.label.startsWith('main.main.func1'))!
    expect(func1.hidden).toBe(true)
    const root = after.find((b) => b.label === 'all')!
    expect(root).toMatchObject({ width: 1180, parent: true })
    // The zoom is in the URL, and opening that URL restores it.
    const query = new URL(page.url()).search
    expect(query).toMatch(/^\?x=\d+(\.\d+)?&y=\d+$/)
    expect(await page.locator('.fg-reset').isVisible()).toBe(true)
    await page.locator('.fg-reset').click()
    expect((await boxes(page))[target].width).toBeCloseTo(before[target].width, 2)
    expect(new URL(page.url()).search).toBe('')
    const again = await open(query)
    expect((await boxes(again.page))[target]).toMatchObject({ x: 10, width: 1180 })
    expect([...errors, ...again.errors]).toEqual([])
  })

  test('a search shows the matched share of the folded totals, from the prompt and from ?s=', async () => {
    const { share } = matchedShare(folded, /fib|spin/)
    const { page, errors } = await open('?s=' + encodeURIComponent('fib|spin'))
    const matched = page.locator('.fg-matched')
    expect(await matched.textContent()).toBe(`Matched: ${(100 * share.value).toFixed(2)}%`)
    expect(Number(await matched.getAttribute('data-value'))).toBeCloseTo(share.sum, 3)
    const magenta = await page.$$eval(
      '.fg-frames rect',
      (rs) => rs.filter((r) => r.getAttribute('fill') === 'rgb(230,0,230)').length,
    )
    expect(magenta).toBeGreaterThan(0)
    // "Reset Search" clears; "Search" asks for an expression.
    await page.locator('.fg-search').click()
    expect(await matched.textContent()).toBe('')
    page.removeAllListeners('dialog')
    page.once('dialog', (d) => void d.accept('^main\\.work'))
    await page.locator('.fg-search').click()
    const work = matchedShare(folded, /^main\.work/).share
    await expect(matched.textContent()).resolves.toBe(`Matched: ${(100 * work.value).toFixed(2)}%`)
    expect(new URL(page.url()).searchParams.get('s')).toBe('^main\\.work')
    expect(errors).toEqual([])
  })

  test('hostile names render as text and run nothing', async () => {
    const file = join(session.dir, 'hostile.svg')
    writeFileSync(
      file,
      writeFlamegraph(stacksProfile(HOSTILE_NAMES.map((n, i) => [['main', n], i + 1])), {
        title: '<img src=x onerror=alert(6)>',
      }),
    )
    const page = await session.browser.newPage()
    const { errors, dialogs } = watchPage(page)
    await page.goto(pathToFileURL(file).href + '?s=' + encodeURIComponent('<img'))
    // Hover and click every box: nothing of a name runs.
    const count = await page.locator('.fg-frames > g').count()
    for (let i = 0; i < count; i++) {
      await page
        .locator('.fg-frames > g')
        .nth(i)
        .click({ position: { x: 1, y: 5 } })
      await page.locator('.fg-reset').click()
    }
    const labels = (await boxes(page)).map((b) => b.label)
    expect(labels).toEqual(expect.arrayContaining(HOSTILE_NAMES.slice(0, 5)))
    expect(labels).toContain('ctl\u2401\u241b end')
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.locator('script').count()).toBe(1)
    expect(await page.locator('svg svg').count()).toBe(0)
    expect(dialogs).toEqual([])
    expect(errors).toEqual([])
    expect(await page.locator('.fg-title').textContent()).toBe('<img src=x onerror=alert(6)>')
  })
})

/** The share of the folded total in stacks with a frame matching `re` (the search's answer). */
function matchedShare(folded: string, re: RegExp) {
  let sum = 0
  let total = 0
  for (const line of folded.split('\n')) {
    if (!line) continue
    const space = line.lastIndexOf(' ')
    const value = Number(line.slice(space + 1))
    total += value
    if (
      line
        .slice(0, space)
        .split(';')
        .some((f) => re.test(f))
    )
      sum += value
  }
  return { share: { sum, value: sum / total } }
}

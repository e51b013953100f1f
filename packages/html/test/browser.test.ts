import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Page } from 'playwright-core'
import { writeDot } from '@profconv/dot'
import { readCallgrind } from '@profconv/callgrind'
import { FrameTable, GraphBuilder, newMeta, withGraph, type Profile } from '@profconv/model'
import { readPprof } from '@profconv/pprof'
import { readPstats, readPstatsJson } from '@profconv/pstats'
import { readSpeedscope } from '@profconv/speedscope'
import {
  CHROMIUM,
  HOSTILE_NAMES,
  describeWithTool,
  fixture,
  fixturePath,
  hostilePstatsJson,
  launchChromium,
  run,
  watchPage,
  type ChromiumSession,
} from '@profconv/testkit'
import { writeHtml } from '../src/index.js'

/** The first label line of every box the dot writer draws: what the page must show. */
function dotLabels(profile: Profile, options: Record<string, unknown> = {}): string[] {
  const dot = writeDot(withGraph(profile), { nodeCount: 200, ...options })
  return [...dot.matchAll(/^\t\d+ \[.*?label="((?:[^"\\]|\\.)*?)\\n/gm)].map((m) =>
    m[1].replace(/\\(.)/g, '$1'),
  )
}

describeWithTool(CHROMIUM, 'the HTML report in Chromium', () => {
  let session: ChromiumSession
  let dir: string
  beforeAll(async () => {
    session = await launchChromium()
    dir = session.dir
  })
  afterAll(() => session?.close())

  /** Opens the report of `profile`; every request, dialog and page error is recorded. */
  async function open(name: string, profile: Profile, options = {}) {
    const file = join(dir, `${name}.html`)
    writeFileSync(file, writeHtml(withGraph(profile), options))
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 900 } })
    const requests: string[] = []
    page.on('request', (r) => requests.push(r.url()))
    const { dialogs, errors } = watchPage(page)
    const url = pathToFileURL(file).href
    await page.goto(url)
    await drawn(page, 'graph', 0)
    return { page, url, requests, dialogs, errors }
  }

  /** Waits for the `count`-th drawing after `after` of a view to finish. */
  async function drawn(page: Page, view: string, after: number): Promise<number> {
    await page.waitForFunction(
      ([v, n]) => {
        const d = document.body.dataset.drawn
        return d !== undefined && d.startsWith(`${v}:`) && Number(d.split(':')[1]) > Number(n)
      },
      [view, after] as const,
      { timeout: 30_000 },
    )
    return Number((await page.evaluate(() => document.body.dataset.drawn))!.split(':')[1])
  }

  const boxLabels = (page: Page) =>
    page.$$eval('#graph g.node', (gs) =>
      gs.map((g) => g.querySelector('text')?.textContent ?? '').sort(),
    )

  test.each([
    ['pstats', () => readPstats(fixture('pstats/recursion.prof'))],
    ['callgrind', () => readCallgrind(fixture('callgrind/rec-instr.callgrind'))[0]],
    ['pprof', () => readPprof(fixture('pprof/cpu.pb.gz'))],
    ['speedscope', () => readSpeedscope(fixture('speedscope/perf-script.speedscope.json'))[0]],
  ])('%s: draws the dot writer’s boxes, with no network request', async (name, read) => {
    const { page, url, requests, errors } = await open(name, read())
    const expected = dotLabels(read())
    expect(expected.length).toBeGreaterThan(3)
    expect(await boxLabels(page)).toEqual([...expected].sort())
    // The page itself, and Graphviz's worker from a blob of the page's own text: nothing else.
    expect(requests.filter((r) => r !== url && !r.startsWith('blob:'))).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  test('a focus click and a threshold change lay the graph out again', async () => {
    const profile = () => readPstats(fixture('pstats/recursion.prof'))
    const { page, errors } = await open('focus', profile())
    const all = await boxLabels(page)
    // Click the box of is_odd, then "Focus on it".
    const box = page.locator('#graph g.node', { hasText: 'is_odd' })
    await box.click()
    let n = Number((await page.evaluate(() => document.body.dataset.drawn))!.split(':')[1])
    await page.locator('#menu button[data-action=focus]').click()
    n = await drawn(page, 'graph', n)
    const focused = await boxLabels(page)
    expect(focused).toEqual(dotLabels(profile(), { focus: ['^is_odd$'] }).sort())
    expect(focused.length).toBeLessThan(all.length)
    expect(await page.locator('#filters .chip').textContent()).toBe('focus: ^is_odd$ ×')
    // Removing the filter and raising the node threshold to 30 %.
    await page.locator('#filters .chip').click()
    n = await drawn(page, 'graph', n)
    expect(await boxLabels(page)).toEqual(all)
    await page.locator('#node-thres').fill('30')
    await page.locator('#node-thres').dispatchEvent('change')
    await drawn(page, 'graph', n)
    expect(await boxLabels(page)).toEqual(dotLabels(profile(), { nodeThres: 30 }).sort())
    expect(errors).toEqual([])
    await page.close()
  })

  test('the flame graph, top table and notes views', async () => {
    const { page, errors } = await open('views', readPstats(fixture('pstats/recursion.prof')))
    await page.locator('#tab-flame').click()
    await drawn(page, 'flame', 0)
    const flame = page.frameLocator('#flame')
    await expect(
      flame.locator('.fg-frames > g').first().getAttribute('data-w'),
    ).resolves.toBeTruthy()
    expect(await flame.locator('.fg-subtitle').first().textContent()).toMatch(/^Stacks estimated/)
    await page.locator('#tab-top').click()
    await drawn(page, 'top', 0)
    const first = await page.locator('#top tbody tr').first().locator('td').last().textContent()
    expect(first).toBe('is_even (programs/recursion.py:14)')
    await page.locator('#top-search').fill('fib')
    expect(await page.locator('#top tbody tr').count()).toBe(1)
    await page.locator('#tab-notes').click()
    await drawn(page, 'notes', 0)
    // The flame graph needed stacks: the notes say they were estimated.
    expect(await page.locator('#notes-list').textContent()).toMatch(/^call stacks were estimated/)
    expect(errors).toEqual([])
    await page.close()
  })

  describeWithTool('callgrind_annotate', 'costs per line', () => {
    /**
     * callgrind_annotate's annotated rec.c (the fixture's sources): per line number, the self
     * cost and the calls made there (`=> file:function (Nx)` with their inclusive cost).
     */
    function annotated(): Map<number, { self: number; calls: string[] }> {
      const sources = dirname(fixturePath('callgrind/src/rec.c'))
      const text = new TextDecoder()
        .decode(fixture('callgrind/rec-instr.callgrind'))
        .replace(/\/\S*?\/test-data\/callgrind\/src/g, sources)
      const input = join(dir, 'annotate-in.callgrind')
      writeFileSync(input, text)
      const empty = join(dir, 'empty')
      mkdirSync(empty, { recursive: true })
      const out = run('callgrind_annotate', ['--auto=yes', '--context=1000000', input], {
        cwd: empty,
        env: { ...process.env, PERL_HASH_SEED: '0', PERL_PERTURB_KEYS: '0' },
      })
      const block = out.split(`-- Auto-annotated source: ${sources}/rec.c\n`)[1].split('\n')
      const lines = new Map<number, { self: number; calls: string[] }>()
      let n = 0
      // After the rule, the events line and a blank line come the source lines.
      for (const line of block.slice(3)) {
        if (line.startsWith('-'.repeat(20))) break
        const call = line.match(/^\s*([\d,]+) \([\d. ]+%\)\s+=> \S*:(\S+) \((\d+)x\)$/)
        if (call) {
          lines.get(n)!.calls.push(`${call[2]} ${call[3]} ${call[1].replace(/,/g, '')}`)
          continue
        }
        const cost = line.match(/^\s*([\d,]+|\.) /)
        n++
        const self = !cost || cost[1] === '.' ? 0 : Number(cost[1].replace(/,/g, ''))
        lines.set(n, { self, calls: [] })
      }
      return lines
    }

    test('a function’s lines show callgrind_annotate’s self costs and calls', async () => {
      const oracle = annotated()
      const { page, errors } = await open(
        'lines',
        readCallgrind(fixture('callgrind/rec-instr.callgrind'))[0],
      )
      expect(await page.locator('#tab-lines').isVisible()).toBe(true)
      let n = 0
      for (const fn of ['main', 'fill_and_sum', 'sum_array']) {
        // From the Top table: a click on the function's row opens its lines.
        await page.locator('#tab-top').click()
        await page.locator('#top-search').fill(`^${fn} `)
        await page.locator('#top tbody tr').first().click()
        n = await drawn(page, 'lines', n)
        expect(await page.locator('#lines-title').textContent()).toMatch(new RegExp(`^${fn} `))
        const rows = await page.$$eval('#lines tbody tr', (trs) =>
          trs.map((tr) => [
            tr.className,
            ...[...tr.querySelectorAll('td')].map((td) => td.textContent!),
          ]),
        )
        const shown = new Map<number, { self: number; calls: string[] }>()
        let line = 0
        for (const [kind, where, self, , inclusive, , callText] of rows) {
          if (kind === 'line') {
            line = Number(where.replace(/^rec\.c:/, ''))
            shown.set(line, { self: Number(self), calls: [] })
            continue
          }
          const call = callText.match(/^→ (\S+) .*\((\d+)×\)$/)!
          shown.get(line)!.calls.push(`${call[1]} ${call[2]} ${inclusive}`)
        }
        const numbers = [...shown.keys()]
        expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
        // Every line of the function with a cost in callgrind_annotate, with the same numbers.
        const want = new Map(
          [...oracle].filter(
            ([k, v]) =>
              k >= numbers[0] && k <= numbers.at(-1)! && (v.self > 0 || v.calls.length > 0),
          ),
        )
        for (const v of shown.values()) v.calls.sort()
        for (const v of want.values()) v.calls.sort()
        expect(shown).toEqual(want)
      }
      // From the call graph: a box's menu has "Costs per line".
      await page.locator('#tab-graph').click()
      await page.locator('#graph g.node', { hasText: 'fill_and_sum' }).first().click()
      await page.locator('#menu button[data-action=lines]').click()
      await drawn(page, 'lines', n)
      expect(await page.locator('#lines-title').textContent()).toMatch(/^fill_and_sum /)
      expect(errors).toEqual([])
      await page.close()
    })
  })

  test('when no function reaches the threshold, the page says so', async () => {
    const { page, errors } = await open('empty', readPstats(fixture('pstats/recursion.prof')), {
      nodeThres: 100.5,
    })
    expect(await page.locator('#graph g.node').count()).toBe(0)
    expect(await page.locator('#graph-notes').textContent()).toMatch(
      /^nothing to draw: no function reaches the node threshold \(100\.5% .*Lower the node threshold/,
    )
    // Lowering it draws the graph.
    await page.locator('#node-thres').fill('0.5')
    await page.locator('#node-thres').dispatchEvent('change')
    await drawn(page, 'graph', 1)
    expect(await boxLabels(page)).toEqual(
      dotLabels(readPstats(fixture('pstats/recursion.prof'))).sort(),
    )
    expect(await page.locator('#graph-notes').isVisible()).toBe(false)
    expect(errors).toEqual([])
    await page.close()
  })

  describeWithTool('go', 'costs per line of a Go profile', () => {
    /** go tool pprof -list's rows of `fn` with a cost: line → [flat, cum] in ns. */
    function listed(fn: string): Map<number, [number, number]> {
      const text = run('go', [
        'tool',
        'pprof',
        `-list=^${fn.replace(/\./g, '\\.')}$`,
        '-unit=ns',
        '-symbolize=none',
        fixturePath('pprof/cpu.pb.gz'),
      ])
      const rows = new Map<number, [number, number]>()
      for (const m of text.matchAll(/^\s*(\S+)\s+(\S+)\s+(\d+):/gm)) {
        const value = (v: string) => (v === '.' ? 0 : Number(v.replace(/ns$/, '')))
        if (m[1] !== '.' || m[2] !== '.') rows.set(Number(m[3]), [value(m[1]), value(m[2])])
      }
      return rows
    }

    test('a function’s lines show go tool pprof -list’s flat and cum', async () => {
      const { page, errors } = await open('go-lines', readPprof(fixture('pprof/cpu.pb.gz')))
      let n = 0
      // Functions that do not recurse: there cum is self plus the calls made from the line.
      for (const fn of ['main.work', 'main.spin', 'main.main.func1']) {
        await page.locator('#tab-top').click()
        await page.locator('#top-search').fill(`^${fn.replace(/\./g, '\\.')} `)
        await page.locator('#top tbody tr').first().click()
        n = await drawn(page, 'lines', n)
        const rows = await page.$$eval('#lines tbody tr.line', (trs) =>
          trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!)),
        )
        const shown = new Map<number, [number, number]>()
        for (const [where, self, , inclusive] of rows) {
          if (Number(self) !== 0 || Number(inclusive) !== 0)
            shown.set(Number(where.replace(/^.*:/, '')), [Number(self), Number(inclusive)])
        }
        const want = listed(fn)
        expect(want.size).toBeGreaterThan(0)
        expect(shown).toEqual(want)
      }
      expect(errors).toEqual([])
      await page.close()
    })
  })

  test('without line detail there is no Lines tab', async () => {
    const { page } = await open('nolines', readPstats(fixture('pstats/recursion.prof')))
    expect(await page.locator('#tab-lines').isVisible()).toBe(false)
    await page.close()
  })

  test('the top table of many functions draws the rows in view as it scrolls', async () => {
    const frames = new FrameTable()
    const graph = new GraphBuilder(1)
    for (let i = 0; i < 5000; i++) {
      const node = graph.node(frames.intern({ name: `f${i}` }))
      node.self[0] = node.total[0] = 5000 - i
    }
    const profile: Profile = {
      metrics: [{ name: 'samples', unit: 'count' }],
      defaultMetric: 0,
      frames,
      graph: graph.finish(),
      meta: newMeta('pprof'),
    }
    const { page, errors } = await open('many', profile)
    await page.locator('#tab-top').click()
    await drawn(page, 'top', 0)
    expect(await page.locator('#top-count').textContent()).toBe('5000 functions, by self')
    const drawnRows = await page.locator('#top tbody tr').count()
    expect(drawnRows).toBeLessThan(200)
    const names = () =>
      page.$$eval('#top tbody tr td:last-child', (tds) => tds.map((t) => t.textContent))
    expect((await names())[0]).toBe('f0')
    await page.locator('#top-scroll').evaluate((e) => (e.scrollTop = e.scrollHeight))
    await page.waitForFunction(
      () =>
        document.querySelector('#top tbody tr:last-child td:last-child')?.textContent === 'f4999',
    )
    expect(await page.locator('#top tbody tr').count()).toBeLessThan(200)
    expect(await names()).toContain('f4990')
    expect(errors).toEqual([])
    await page.close()
  })

  test('hostile names render as text and run no script', async () => {
    const profile = readPstatsJson(hostilePstatsJson())
    const { page, dialogs, errors } = await open('hostile', profile, { nodeThres: 0 })
    const boxes = await page.locator('#graph g.node').count()
    expect(boxes).toBe(HOSTILE_NAMES.length + 1)
    for (let i = 0; i < boxes; i++) {
      await page.locator('#graph g.node').nth(i).click()
      await page.locator('#menu .menu-name').waitFor()
    }
    await page.locator('#tab-top').click()
    await drawn(page, 'top', 0)
    const cells = await page.$$eval('#top tbody tr td:last-child', (tds) =>
      tds.map((t) => t.textContent),
    )
    for (const [i, name] of HOSTILE_NAMES.entries())
      expect(cells).toContain(`${name} (<b>${i}</b>.py)`)
    await page.locator('#tab-flame').click()
    await drawn(page, 'flame', 0)
    expect(await page.locator('img').count()).toBe(0)
    expect(await page.frameLocator('#flame').locator('img').count()).toBe(0)
    expect(await page.locator('script').count()).toBe(4)
    expect(await page.locator('b').count()).toBe(0)
    expect(dialogs).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })
})

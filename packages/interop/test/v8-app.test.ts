import { getFormat } from '@profconv/core'
import { graphOf, mergeProfiles, withSamples, type Profile } from '@profconv/model'
import { describeWithTool, fixture } from '@profconv/testkit'
// @ts-expect-error: a plain ES module shared with scripts/fixtures-speedscope.mjs
import { withSpeedscopeApp } from './speedscope-app.mjs'

// profconv's .cpuprofile and Chrome trace output of every fixture format, opened in the real
// speedscope app (which imports both formats with its own code): it must load without errors
// and its sandwich view must list the heaviest functions.

const inputs: [string, string][] = [
  ['pstats', 'pstats/recursion.prof'],
  ['callgrind', 'callgrind/rec-plain.callgrind'],
  ['pprof', 'pprof/cpu.pb.gz'],
  ['cpuprofile', 'cpuprofile/workload.cpuprofile'],
  ['folded', 'folded/perf.folded'],
  ['chrome-trace', 'chrome-trace/node-trace-events.json'],
  ['heapprofile', 'heapprofile/workload-small.heapprofile'],
  ['v8-prof', 'v8-prof/workload.preprocess.json.gz'],
]

interface Output {
  name: string
  profile: Profile
  text: string
}

const outputs: Output[] = inputs.flatMap(([from, file]) => {
  const read = () => withSamples(mergeProfiles(getFormat(from).read!(fixture(file), {})))
  return (['cpuprofile', 'chrome-trace'] as const).map((to) => {
    const profile = read()
    const written = getFormat(to).write!(profile, {})
    const text = typeof written === 'string' ? written : new TextDecoder().decode(written)
    const ext = to === 'cpuprofile' ? 'cpuprofile' : 'trace.json'
    // (not `callgrind.*`: speedscope picks its callgrind importer by that file name)
    return { name: `from-${from}.${ext}`, profile, text }
  })
})

describeWithTool('chromium', 'cpuprofile and chrome-trace output in the speedscope app', () => {
  test('each output loads and the sandwich view lists its heaviest functions', async () => {
    const files = Object.fromEntries(outputs.map((o) => [o.name, o.text]))
    await withSpeedscopeApp(files, async ({ page, open, errors }: AppContext) => {
      for (const o of outputs) {
        const m = o.profile.defaultMetric
        const top = [...graphOf(o.profile).nodes]
          .sort((a, b) => b.self[m] - a.self[m])
          .slice(0, 3)
          .map((n) => o.profile.frames.get(n.frame).name)
        let rows = ''
        try {
          await open(o.name)
          // The table fills in as the app renders it: read again (for up to ~10 s) until every
          // expected name is there; a name the app never lists still fails below.
          for (let attempt = 0; attempt < 20; attempt++) {
            rows = (await sandwich(page)).join('\n')
            if (top.every((name) => rows.includes(name))) break
            await new Promise((resolve) => setTimeout(resolve, 500))
          }
        } catch (error) {
          throw new Error(`${o.name}: ${(error as Error).message} (page errors: ${errors})`)
        }
        for (const name of top)
          expect([o.name, name, rows.includes(name)]).toEqual([o.name, name, true])
        expect([o.name, errors]).toEqual([o.name, []])
      }
    })
  }, 240_000)
})

/**
 * The sandwich view's rows. The key that opens it is ignored while a bigger profile is still
 * loading, so it is pressed again until the view shows.
 */
async function sandwich(page: Page): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('3')
    try {
      await page.waitForSelector('text=Symbol Name', { timeout: 3000 })
      break
    } catch (error) {
      if (attempt === 10) throw error
    }
  }
  return page.evaluate(() =>
    [...document.querySelectorAll('tr, [role=row]')].map((r) => r.textContent ?? ''),
  )
}

interface Page {
  keyboard: { press(key: string): Promise<void> }
  waitForSelector(selector: string, options: { timeout: number }): Promise<unknown>
  evaluate<T>(f: () => T): Promise<T>
}

interface AppContext {
  page: Page
  open(name: string): Promise<void>
  errors: string[]
}

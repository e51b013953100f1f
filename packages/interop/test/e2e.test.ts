import { callgrindFormat } from '@profconv/callgrind'
import { cpuprofileFormat } from '@profconv/cpuprofile'
import { foldedFormat } from '@profconv/folded'
import {
  frameText,
  graphOf,
  mergeProfiles,
  withSamples,
  type FormatDescriptor,
  type Profile,
} from '@profconv/model'
import { pprofFormat } from '@profconv/pprof'
import { pstatsFormat } from '@profconv/pstats'
import { describeWithTool, fixture } from '@profconv/testkit'
import { readSpeedscope, writeSpeedscope } from '@profconv/speedscope'
import { speedscopeProblems } from '../../speedscope/test/helpers.js'
// @ts-expect-error: a plain ES module shared with scripts/fixtures-speedscope.mjs
import { sandwichNames, withSpeedscopeApp } from './speedscope-app.mjs'

/** profconv's path: read, merge, estimate stacks where needed, write speedscope. */
function toSpeedscope(format: FormatDescriptor, file: string): { profile: Profile; text: string } {
  const profile = withSamples(mergeProfiles(format.read!(fixture(file), {})))
  return { profile, text: writeSpeedscope(profile) }
}

const inputs: [string, FormatDescriptor, string][] = [
  ['pstats', pstatsFormat, 'pstats/recursion.prof'],
  ['callgrind', callgrindFormat, 'callgrind/rec-plain.callgrind'],
  ['pprof', pprofFormat, 'pprof/cpu.pb.gz'],
  ['cpuprofile', cpuprofileFormat, 'cpuprofile/workload.cpuprofile'],
  ['folded', foldedFormat, 'folded/perf.folded'],
]
const outputs = inputs.map(([name, format, file]) => ({ name, ...toSpeedscope(format, file) }))

describe('X → speedscope output', () => {
  test.each(outputs.map((o) => [o.name, o]))(
    '%s: valid against the schema and its invariants',
    (_, o) => {
      expect(speedscopeProblems(o.text)).toEqual([])
    },
  )

  test('pstats → speedscope keeps every function’s self time (estimated stacks, exact self)', () => {
    const o = outputs.find((x) => x.name === 'pstats')!
    const [back] = readSpeedscope(new TextEncoder().encode(o.text))
    const self = (p: Profile) =>
      new Map(graphOf(p).nodes.map((n) => [frameText(p.frames.get(n.frame)), n.self[0]]))
    const original = self(o.profile)
    for (const [name, value] of self(back)) expect(value).toBeCloseTo(original.get(name)!, 9)
    expect(JSON.parse(o.text).exporter).toMatch(/note: call stacks were estimated/)
  })
})

describeWithTool(
  'chromium',
  'profconv output in the real speedscope app (headless Chromium)',
  () => {
    test('each output loads and the sandwich view lists its functions', async () => {
      const files = Object.fromEntries(outputs.map((o) => [`${o.name}.speedscope.json`, o.text]))
      await withSpeedscopeApp(files, async ({ page, open, errors }: AppContext) => {
        for (const o of outputs) {
          await open(`${o.name}.speedscope.json`)
          // The heaviest functions by self cost must be listed by name.
          const graph = graphOf(o.profile)
          const top = [...graph.nodes]
            .sort((a, b) => b.self[o.profile.defaultMetric] - a.self[o.profile.defaultMetric])
            .slice(0, 3)
            .map((n) => o.profile.frames.get(n.frame).name)
          const rows = (await sandwichNames(page, top)).join('\n')
          for (const name of top) expect([o.name, rows.includes(name)]).toEqual([o.name, true])
          expect(errors).toEqual([])
        }
      })
    })
  },
)

interface AppContext {
  page: unknown
  open(name: string): Promise<void>
  errors: string[]
}

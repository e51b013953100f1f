import { readFileSync, readdirSync } from 'node:fs'
import { fixturePath } from '@profconv/testkit'
import type { ProfileSummary } from '@profconv/core'
import { cli } from './cli-io.js'

type Info = ProfileSummary & { file: string }

async function info(...files: string[]): Promise<Info[]> {
  const r = await cli(['info', '--json', ...files.map(fixturePath)])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout)
}

const text = (rel: string) => readFileSync(fixturePath(rel), 'utf8')

describe('profconv info against go tool pprof -top', () => {
  const tops = readdirSync(fixturePath('pprof')).filter((f) => /\.top\.\w+\.txt$/.test(f))

  test.each(tops)('%s: the metric total and the functions pprof shows', async (top) => {
    const [name, , metric] = top.split('.')
    const [s] = await info(`pprof/${name}.pb.gz`)
    const reading = text(`pprof/${top}`)
    // "Showing nodes accounting for 660000000ns, 100% of 660000000ns total"
    const total = Number(/of (-?[\d.]+)[a-zA-Z]* total/.exec(reading)![1])
    expect(s.format).toBe('pprof')
    expect(s.metrics.find((m) => m.name === metric)!.total).toBe(total)
    // Every function pprof lists (by name) is counted; pprof omits those with nothing.
    const listed = reading.split('\n').filter((l) => /^\s*-?[\d.]+\S*\s+\S+%/.test(l)).length
    expect(s.functions).toBeGreaterThanOrEqual(listed)
  })

  // Heap profiles also hold zero-valued samples (the profile writer's own stacks), whose
  // functions info counts and pprof never lists; pprof keys functions by name alone where
  // profconv keeps same-named functions of different files apart (the Node profiles): so the
  // Go CPU profile is the one where both counts must agree.
  test('the number of functions is the number pprof lists over every metric', async () => {
    for (const name of ['cpu']) {
      const [s] = await info(`pprof/${name}.pb.gz`)
      const names = new Set<string>()
      for (const top of tops.filter((t) => t.startsWith(`${name}.`)))
        for (const line of text(`pprof/${top}`).split('\n')) {
          const m = /^\s*-?[\d.]+\S*\s+\S+%\s+\S+%\s+\S+\s+\S+%\s+(.*?)( \(inline\))?$/.exec(line)
          if (m) names.add(m[1])
        }
      expect(s.functions).toBe(names.size)
    }
  })

  test('start time and duration as pprof prints them', async () => {
    const [s] = await info('pprof/cpu.pb.gz')
    const reading = text('pprof/cpu.top.cpu.txt')
    expect(`${(s.duration! / 1e9).toFixed(2)}s`).toBe(/Duration: ([\d.]+s)/.exec(reading)![1])
    // "Time: Nov 24, 2026 at 10:14pm (UTC)"
    const time = new Date(s.startTime!)
    expect(time.getUTCFullYear()).toBe(2026)
    expect([time.getUTCHours(), time.getUTCMinutes()]).toEqual([22, 14])
    expect(s.samples).toBeGreaterThan(0)
    expect(s.stackNodes).toBeGreaterThan(0)
  })
})

describe('profconv info against Python pstats', () => {
  const oracles = readdirSync(fixturePath('pstats')).filter(
    (f) => f.endsWith('.oracle.json') && !f.includes('merged'),
  )

  test.each(oracles)('%s: calls, primitive calls, total time, functions', async (oracle) => {
    const o = JSON.parse(text(`pstats/${oracle}`))
    const [s] = await info(`pstats/${o.files[0]}`)
    expect(s.format).toBe('pstats')
    // yappi stores a function's own call counts swapped: pstats sums them as stored, profconv
    // reads them the right way round (callers' tuples, which yappi does not swap, agree).
    const [calls, primitive] = oracle.includes('yappi')
      ? [o.prim_calls, o.total_calls]
      : [o.total_calls, o.prim_calls]
    expect(s.calls).toBe(calls)
    expect(s.primitiveCalls).toBe(primitive)
    expect(s.metrics).toHaveLength(1)
    expect(s.metrics[0].unit).toBe('seconds')
    expect(s.metrics[0].total).toBeCloseTo(o.total_tt, 9)
    expect(s.functions).toBe(o.functions.length)
  })

  test('two files are described one after the other', async () => {
    const r = await cli([
      'info',
      fixturePath('pstats/recursion.prof'),
      fixturePath('pprof/cpu.pb.gz'),
    ])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/recursion\.prof\n {2}format +pstats \(graph view\)/)
    expect(r.stdout).toMatch(/calls +65430 \(7387 primitive\)/)
    expect(r.stdout).toMatch(/cpu +nanoseconds +total 660000000 \(660 ms\) +\[default\]/)
    expect(r.stdout).toMatch(/duration +1\.11 s/)
  })

  test('notes are shown, e.g. the per-caller estimate of Python profile files', async () => {
    const [s] = await info('pstats/recursion.profile.prof')
    expect(s.notes.join()).toMatch(/estimated/)
  })
})

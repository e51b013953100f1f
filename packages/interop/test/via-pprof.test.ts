import { dumpStacks, mergeProfiles, nanosecondsPer, type Profile } from '@profconv/model'
import { pprofFormat } from '@profconv/pprof'
import { fixture } from '@profconv/testkit'
import { readSpeedscope, writeSpeedscope } from '@profconv/speedscope'

const bytes = (out: string | Uint8Array) =>
  typeof out === 'string' ? new TextEncoder().encode(out) : out

/** Stacks with time weights in whole nanoseconds: pprof holds int64 values, so seconds become ns. */
const inNanoseconds = (p: Profile) => {
  const factor = nanosecondsPer(p.metrics[0].unit) ?? 1
  return dumpStacks(p).replace(
    / ([\d.e+-]+)$/gm,
    (_, v: string) => ` ${Math.round(Number(v) * factor)}`,
  )
}

describe('speedscope → pprof → speedscope', () => {
  test.each([
    'workload-cpuprofile.speedscope.json',
    'perf-script.speedscope.json',
    'perf-folded.speedscope.json',
  ])('%s keeps stacks and weights exactly', (name) => {
    const [original] = readSpeedscope(fixture(`speedscope/${name}`))
    const pprof = pprofFormat.write!(original, {})
    const viaPprof = mergeProfiles(pprofFormat.read!(bytes(pprof), {}))
    const [back] = readSpeedscope(bytes(writeSpeedscope(viaPprof)))
    expect(inNanoseconds(back)).toBe(inNanoseconds(original))
    expect(back.metrics[0].name).toBe(original.metrics[0].name)
  })
})

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getFormat } from '@profconv/core'
import { mergeProfiles, withSamples } from '@profconv/model'
import {
  ProfilerCliSession,
  describeWithProfilerCli,
  fixture,
  fixturePath,
  type ProfilerCliFunction,
} from '@profconv/testkit'

// The Firefox Profiler's own import of .cpuprofile (profiler-cli), on a real node --cpu-prof
// file and on profconv's output of it. (Chrome traces are not compared with profiler-cli: it
// resamples their V8 CPU profiles at 0.5 ms, so its counts are not the file's; the
// chrome-trace tests use DevTools' own trace engine instead.)

const byName = (fns: ProfilerCliFunction[]) =>
  fns.map((f) => `${f.name} self=${f.selfSamples} total=${f.totalSamples}`).sort()

describeWithProfilerCli(
  'profiler-cli reads profconv’s cpuprofile as it reads the real file',
  () => {
    // Made in beforeAll: a skipped block (no profiler-cli) runs its body but no hooks.
    let session: ProfilerCliSession
    let dir: string
    beforeAll(() => {
      session = new ProfilerCliSession()
      dir = mkdtempSync(join(tmpdir(), 'profconv-v8-cli-'))
    })
    afterAll(() => {
      session.close()
      rmSync(dir, { recursive: true, force: true })
    })
    const functionsOf = (path: string): ProfilerCliFunction[] => {
      session.load(path)
      const [thread] = session.threads()
      return session.functions(thread)
    }

    test('node --cpu-prof → cpuprofile: every function’s self and total samples unchanged', () => {
      const cpu = getFormat('cpuprofile')
      const profile = withSamples(
        mergeProfiles(cpu.read!(fixture('cpuprofile/workload.cpuprofile'), {})),
      )
      const out = join(dir, 'workload.cpuprofile')
      writeFileSync(out, cpu.write!(profile, {}) as string)
      const theirs = byName(functionsOf(fixturePath('cpuprofile/workload.cpuprofile')))
      expect(theirs.length).toBeGreaterThan(20)
      expect(byName(functionsOf(out))).toEqual(theirs)
    }, 120_000)

    test('sample counts (folded) → cpuprofile: every function is there (samples 1 ms each)', () => {
      // The Firefox Profiler resamples a .cpuprofile at 0.5 ms: written at 1 µs per count, all
      // of perf.folded's samples vanished there (0 functions).
      const folded = getFormat('folded')
      const profile = mergeProfiles(folded.read!(fixture('folded/perf.folded'), {}))
      const out = join(dir, 'perf.cpuprofile')
      writeFileSync(out, getFormat('cpuprofile').write!(profile, {}) as string)
      const theirs = new Map(functionsOf(out).map((f) => [f.name, f.totalSamples]))
      const names = profile.frames.frames.map((f) => f.name)
      expect(names.length).toBeGreaterThan(3)
      for (const name of names) expect([name, theirs.get(name) ?? 0]).not.toEqual([name, 0])
    }, 120_000)
  },
)

import { ProfconvError, dumpStacks } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readPmcstat, readPmcstatStream, sniffPmcstat } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const errorOf = (text: string) => {
  try {
    readPmcstat(utf8(text))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}

describe('pmcstat -G call graph (speedscope sample, real output)', () => {
  const bytes = fixture('pmcstat/zfs.pmcstat.graph')
  const [profile] = readPmcstat(bytes)

  test("the samples are the sampled functions' counts (the rows at indent 0)", () => {
    const top = new TextDecoder()
      .decode(bytes)
      .split('\n')
      .map((l) => /^[\d.]+%\s+\[(\d+)\]/.exec(l))
      .filter((m) => m !== null)
      .reduce((sum, m) => sum + Number(m![1]), 0)
    expect(profile.metrics).toEqual([{ name: 'inst_retired.any', unit: 'count' }])
    expect(profile.samples!.values[0].reduce((a, b) => a + b, 0)).toBe(top)
  })

  test('a caller tree becomes stacks, root first; samples no caller took end the stack early', () => {
    const stacks = dumpStacks(profile).split('\n')
    expect(stacks).toContain(
      'fork_exit;taskqueue_thread_loop;taskqueue_run_locked;zio_execute;zio_write_compress;zio_compress_data;zfs_lz4_compress 7447',
    )
    // fletcher_2_native: 5156 samples, 2610 through arc_cksum_verify, the rest with no caller.
    expect(stacks).toContain('fletcher_2_native 2546')
    const module = Object.fromEntries(profile.frames.frames.map((f) => [f.name, f.module]))
    expect(module).toMatchObject({
      zfs_lz4_compress: 'zfs.ko',
      taskqueue_run_locked: 'kernel',
      fork_exit: 'kernel',
    })
  })

  test('sniffed; 3-byte chunks give what read gives', async () => {
    expect(sniffPmcstat(bytes)).toBe(true)
    expect(sniffPmcstat(utf8('main;work 3\n'))).toBe(false)
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) =>
      bytes.subarray(i * 3, i * 3 + 3),
    )
    expect(dumpStacks((await readPmcstatStream(chunks))[0])).toBe(dumpStacks(profile))
  })

  test('errors name the line', () => {
    expect(errorOf(' 1.0%  [1]  f\n')).toMatch(/line 1: a row before the first @ event/)
    expect(errorOf('@ e [1 samples]\nhello\n')).toMatch(/line 2: not a call graph row/)
    expect(errorOf('@ e [1 samples]\n1.0%  [1]  f\n   1.0%  [1]  g\n')).toMatch(
      /line 3: a row indented/,
    )
  })
})

/* eslint-disable no-control-regex -- the bar is drawn with terminal escapes */
import { fixturePath } from '@profconv/testkit'
import { Progress } from '../src/progress.js'
import { cli } from './cli-io.js'

const tty = { stderr: { isTTY: true } as never }

describe('progress bar', () => {
  const big = fixturePath('pstats/asyncio_app.prof') // above the lowered threshold
  const streamed = fixturePath('callgrind/rec-plain.callgrind') // a streaming reader

  test.each([big, streamed])(
    'drawn on a terminal above the threshold, then erased: %s',
    async (file) => {
      const r = await cli([file, '-t', 'folded'], undefined, { ...tty, progressAbove: 100 })
      expect(r.code).toBe(0)
      expect(r.stderr).toMatch(/^\r\u001b\[Kprofconv: reading .* \[#+ *\] +\d+% \d+\/\d+ MiB/)
      expect(r.stderr.split('profconv: note:')[0]).toMatch(/\r\u001b\[K$/)
      expect(r.stdout.length).toBeGreaterThan(0)
    },
  )

  test('never on a pipe, below the threshold, or with --quiet', async () => {
    const pipe = await cli([big, '-t', 'folded'], undefined, { progressAbove: 100 })
    expect(pipe.stderr).not.toContain('reading')
    expect((await cli([big, '-t', 'folded'], undefined, tty)).stderr).not.toContain('reading')
    const quiet = await cli([big, '-t', 'folded', '-q'], undefined, { ...tty, progressAbove: 100 })
    expect(quiet.stderr).toBe('')
  })

  test('redraws at most every 100 ms and shows the share read', () => {
    let out = ''
    let now = 0
    const p = new Progress(
      { write: (s: string) => (out += s), columns: 80 },
      'x',
      4 * 2 ** 20,
      () => now,
    )
    p.advance(2 ** 20)
    now = 50
    p.advance(2 ** 20) // too soon: not drawn
    now = 200
    p.advance(2 ** 20)
    const draws = out.split('\r\u001b[K').filter(Boolean)
    expect(draws).toHaveLength(2)
    expect(draws[0]).toMatch(/ 25% 1\/4 MiB$/)
    expect(draws[1]).toMatch(/ 75% 3\/4 MiB$/)
  })
})

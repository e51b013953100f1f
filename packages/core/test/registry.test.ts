import { gzipSync } from 'node:zlib'
import { ProfconvError } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { convert, detectFormat, getFormat, listFormats } from '../src/index.js'

/** The sniffers of the Python profilers' own formats. */
const PYTHON_SNIFFERS = ['tachyon-collapsed', 'austin', 'line-profiler', 'scalene', 'pyinstrument']

describe('registry', () => {
  test('every format has a unique name, a description and extensions', () => {
    const names = listFormats().map((f) => f.name)
    expect(new Set(names).size).toBe(names.length)
    for (const f of listFormats()) {
      expect(f.description.length).toBeGreaterThan(10)
      expect(f.read || f.write).toBeTruthy()
    }
  })

  test('sniffs pstats by content, gzipped or not, whatever the name', () => {
    const bytes = fixture('pstats/recursion.prof')
    expect(detectFormat(bytes, 'whatever.txt')?.name).toBe('pstats')
    expect(detectFormat(new Uint8Array(gzipSync(bytes)))?.name).toBe('pstats')
    expect(detectFormat(fixture('pstats/recursion.py27.prof'))?.name).toBe('pstats')
  })

  test.each([
    ['pstats/recursion.prof', 'pstats'],
    ['tachyon/work.tachyon.pstats', 'pstats'],
    ['tachyon/work.tachyon.collapsed', 'tachyon-collapsed'],
    ['austin/wall.austin', 'austin'],
    ['austin/wall-alt.austin', 'austin'],
    ['austin/memory.austin', 'austin'],
    ['austin/full.austin', 'austin'],
    ['austin/wall.documented.austin3', 'austin'],
    ['austin/full.documented.austin3', 'austin'],
    ['austin/memory-alt.documented.austin3', 'austin'],
    ['line-profiler/work.lprof', 'line-profiler'],
    ['line-profiler/work.p0.lprof', 'line-profiler'],
    ['line-profiler/work.p1.lprof', 'line-profiler'],
    ['scalene/work.scalene.json', 'scalene'],
    ['pyinstrument/work.pyisession', 'pyinstrument'],
    ['pyinstrument/work.pyinstrument.json', 'pyinstrument'],
    ['speedscope/py-spy.speedscope.json', 'speedscope'],
    ['folded/py-spy.folded', 'folded'],
    ['folded/perf.folded', 'folded'],
    ['folded/perf-script.txt', 'perf-script'],
    ['perf/srcline.perf-script.txt', 'perf-script'],
    ['instruments/time-profile.documented.xctrace.xml', 'xctrace'],
    ['instruments/simple-time-profile-deep-copy-16.0.instruments.txt', 'instruments'],
  ])('sniffs %s as %s, whatever the name', (file, name) => {
    expect(detectFormat(fixture(file), 'whatever')?.name).toBe(name)
    // The Python samplers' sniffers claim nothing but their own.
    for (const format of listFormats().filter((f) => PYTHON_SNIFFERS.includes(f.name)))
      expect([format.name, format.sniff!(fixture(file))]).toEqual([
        format.name,
        format.name === name,
      ])
  })

  // Readers of formats gprof2dot and speedscope read: only their own sniffer claims the file.
  test.each([
    ['instruments/time-profile.documented.xctrace.xml', 'xctrace'],
    ['instruments/simple-time-profile-deep-copy-16.0.instruments.txt', 'instruments'],
    ['xperf/cpu.documented.xperf', 'xperf'],
    ['sysprof/calc.documented.sysprof', 'sysprof'],
    ['axe/calc.documented.axe', 'axe'],
    ['safari/app.documented-recording.json', 'safari'],
    ['papyrus/quest.documented.papyrus.log', 'papyrus'],
  ])('%s is claimed by the %s sniffer alone', (file, name) => {
    const bytes = fixture(file)
    expect(
      listFormats()
        .filter((f) => f.sniff?.(bytes))
        .map((f) => f.name),
    ).toEqual([name])
  })

  test('falls back to the extension, and says nothing when neither tells', () => {
    const junk = new TextEncoder().encode('hello')
    expect(detectFormat(junk, 'x.prof')?.name).toBe('pstats')
    expect(detectFormat(junk, 'x.unknown')).toBeUndefined()
    expect(detectFormat(junk, '/tmp/callgrind.out.1234')?.name).toBe('callgrind')
    expect(detectFormat(junk, 'cachegrind.out.77.gz')?.name).toBe('callgrind')
  })

  test('an unknown format name is an error with a suggestion', () => {
    expect(() => getFormat('pstat')).toThrow(/did you mean pstats\?/)
    expect(() => getFormat('zzzzzz')).toThrow(ProfconvError)
  })
})

describe('convert', () => {
  test('pstats → dot with notes', () => {
    const { output, notes } = convert(fixture('pstats/recursion.profile.prof'), { to: 'dot' })
    expect(String(output)).toMatch(/^digraph/)
    expect(notes.join()).toMatch(/estimated from call counts/)
  })

  test('writing a read-only format is refused', () => {
    expect(() => convert(fixture('pstats/recursion.prof'), { to: 'dot', from: 'dot' })).toThrow(
      /can write this format but not read it/,
    )
  })
})

import { ProfconvError, dumpStacks } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readHprof, readHprofStream, sniffHprof } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const plain = (text: string) => text.replace(/ \([^)]*\)/g, '')
const errorOf = (text: string) => {
  try {
    readHprof(utf8(text))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}

describe('hprof text', () => {
  test('cpu=samples: each row weights its TRACE, frames root first, methods in their files', () => {
    const [profile] = readHprof(fixture('hprof/samples.hprof.txt'))
    expect(profile.metrics).toEqual([{ name: 'samples', unit: 'count' }])
    expect(plain(dumpStacks(profile)).split('\n').sort()).toEqual(
      [
        'app.Main.main;app.Loader.read;java.lang.String.hashCode 20',
        'app.Main.main;app.Loader.read;java.util.zip.Inflater.inflate;java.util.zip.Inflater.inflateBytes 60',
        'app.Main.main;app.Parser.parse 40',
        'app.Main.main;app.Parser.parse;app.Parser.parse;app.Parser.token 120',
        '<empty> 10',
      ].sort(),
    )
    // One frame per method: the lines in a trace are call sites, not the method's identity.
    expect(profile.frames.frames.filter((f) => f.name === 'app.Parser.parse')).toEqual([
      { name: 'app.Parser.parse', file: 'Parser.java' },
    ])
    expect(profile.samples!.values[0].reduce((a, b) => a + b, 0)).toBe(250) // the table's total
  })

  test("cpu=times: time is each row's share of the total (decimal comma too), calls its count", () => {
    const [profile] = readHprof(fixture('hprof/times.hprof.txt'))
    expect(profile.metrics.map((m) => `${m.name}/${m.unit}`)).toEqual([
      'time/milliseconds',
      'calls/count',
    ])
    expect(Array.from(profile.samples!.values[0])).toEqual([2400, 1200, 800, 400, 200])
    expect(Array.from(profile.samples!.values[1])).toEqual([120, 60, 40, 20, 10])
    expect(profile.meta.notes.join()).toMatch(/share of the total/)
  })

  test('read from 5-byte chunks gives what read gives; sniffed by its first line', async () => {
    const bytes = fixture('hprof/samples.hprof.txt')
    const chunks = Array.from({ length: Math.ceil(bytes.length / 5) }, (_, i) =>
      bytes.subarray(i * 5, i * 5 + 5),
    )
    expect(dumpStacks((await readHprofStream(chunks))[0])).toBe(dumpStacks(readHprof(bytes)[0]))
    expect(sniffHprof(bytes)).toBe(true)
    expect(sniffHprof(utf8('TRACE 1:\n'))).toBe(false)
  })

  test('errors name the line', () => {
    expect(errorOf('JAVA PROFILE 1.0.1, created x\n')).toMatch(/no CPU SAMPLES or CPU TIME table/)
    expect(
      errorOf(
        'CPU SAMPLES BEGIN (total = 1) x\nrank self accum count trace method\n 1 1% 1% 1 7 f\n',
      ),
    ).toMatch(/line 3: the row of trace 7 names no TRACE/)
    expect(errorOf('CPU SAMPLES BEGIN (total = 1) x\n what\n')).toMatch(/line 2: not a row/)
  })
})

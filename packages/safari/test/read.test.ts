import { ProfconvError, dumpStacks } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readSafari, readSafariStream, sniffSafari } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const errorOf = (value: unknown) => {
  try {
    readSafari(utf8(JSON.stringify(value)))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}

describe('Safari timeline recording (built from the documented shape)', () => {
  const bytes = fixture('safari/app.documented-recording.json')
  const [profile] = readSafari(bytes)

  test('each stack trace (leaf first) weighs its duration in seconds at its time', () => {
    expect(profile.metrics).toEqual([{ name: 'time', unit: 'seconds' }])
    const app = 'https://example.com/app.js'
    expect(dumpStacks(profile).split('\n').sort()).toEqual([
      `main (${app}:1) 0.0015`,
      `main (${app}:1);forEach;(anonymous app.js:40) (${app}:40) 0.0005`,
      `main (${app}:1);render (${app}:10) 0.001`,
      `main (${app}:1);render (${app}:10);layout (${app}:20) 0.002`,
    ])
    expect(profile.frames.frames.find((f) => f.name === 'render')).toEqual({
      name: 'render',
      file: app,
      line: 10,
      column: 17,
    })
    expect(Array.from(profile.samples!.time!).map((t) => Math.round(t / 1e3))).toEqual([
      5000, 6000, 7000, 20000, 21000,
    ])
    expect(profile.meta.name).toBe('Timeline Recording 1')
  })

  test('read from 3-byte chunks gives what read gives, times and all', async () => {
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) =>
      bytes.subarray(i * 3, i * 3 + 3),
    )
    const [streamed] = await readSafariStream(chunks)
    expect(dumpStacks(streamed)).toBe(dumpStacks(profile))
    expect(streamed.samples!.time).toEqual(profile.samples!.time)
    expect(streamed.meta).toEqual(profile.meta)
  })

  test('durations before the stack traces, and records skipped unread, read the same', () => {
    const file = JSON.parse(new TextDecoder().decode(bytes)) as {
      recording: Record<string, unknown>
    }
    const { sampleDurations, ...rest } = file.recording
    const reordered = { ...file, recording: { sampleDurations, ...rest, records: [{ x: [1] }] } }
    const [profile2] = readSafari(utf8(JSON.stringify(reordered)))
    expect(dumpStacks(profile2)).toBe(dumpStacks(profile))
  })

  test('sniffed by its opening', () => {
    expect(sniffSafari(bytes)).toBe(true)
    expect(sniffSafari(utf8('{"version":1,"frames":[]}'))).toBe(false)
  })

  test('errors say what is missing', () => {
    expect(errorOf({ version: 1 })).toMatch(/no 'recording' object/)
    expect(errorOf({ version: 2, recording: {} })).toMatch(/unknown recording version 2/)
    expect(errorOf({ version: 1, recording: { records: [] } })).toMatch(/no JavaScript samples/)
    expect(
      errorOf({ version: 1, recording: { sampleStackTraces: [], sampleDurations: [1] } }),
    ).toMatch(/0 stack traces but 1 sample durations/)
    expect(
      errorOf({
        version: 1,
        recording: { sampleStackTraces: [{ stackFrames: [1] }], sampleDurations: [1] },
      }),
    ).toMatch(/sample 0: a stack frame is not an object/)
    expect(() => readSafari(utf8('{"version":1,'))).toThrow(ProfconvError)
    // Errors point at the byte where the bad value starts.
    const text = '{"version":1,"recording":{"sampleStackTraces":[],"sampleDurations":[-1]}}'
    expect(() => readSafari(utf8(text))).toThrow(
      `safari: at byte ${text.indexOf('-1')}: sample 0: duration -1 is not a number of seconds`,
    )
  })
})

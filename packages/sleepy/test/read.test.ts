import { ProfconvError, dumpStacks } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { zipSync, strToU8 } from 'fflate'
import { readSleepy, readSleepyStream, sniffSleepy } from '../src/index.js'

const errorOf = (bytes: Uint8Array) => {
  try {
    readSleepy(bytes)
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}

describe('Very Sleepy capture', () => {
  const bytes = fixture('sleepy/example.sleepy')
  const [profile] = readSleepy(bytes)

  test('each line of Callstacks.txt is a sample of its seconds, stack root first', () => {
    expect(profile.metrics).toEqual([{ name: 'time', unit: 'seconds' }])
    const plain = dumpStacks(profile).replace(/ \([^)]*\)/g, '')
    expect(plain.split('\n').sort()).toEqual(
      [
        'BaseThreadInitThunk;mainCRTStartup;main;parse;lex 0.75',
        'BaseThreadInitThunk;mainCRTStartup;main;parse;lex;RtlAllocateHeap 0.5',
        'BaseThreadInitThunk;mainCRTStartup;main;parse 0.4',
        'BaseThreadInitThunk;mainCRTStartup;main;walk;walk;walk 0.3',
        'BaseThreadInitThunk;mainCRTStartup;main;RtlAllocateHeap 0.25',
        'BaseThreadInitThunk;mainCRTStartup;main 0.1',
      ].sort(),
    )
  })

  test('symbols keep module, file and line; [unknown] files are none', () => {
    const byName = Object.fromEntries(profile.frames.frames.map((f) => [f.name, f]))
    expect(byName.lex).toEqual({ name: 'lex', module: 'app', file: 'C:\\work\\lex.c', line: 5 })
    expect(byName.RtlAllocateHeap).toEqual({ name: 'RtlAllocateHeap', module: 'ntdll' })
    expect(profile.meta.duration).toBe(2.5e9)
    expect(profile.meta.name).toBe('C:\\work\\app.exe')
  })

  test('read from 3-byte chunks gives what read gives', async () => {
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) =>
      bytes.subarray(i * 3, i * 3 + 3),
    )
    const [streamed] = await readSleepyStream(chunks)
    expect(dumpStacks(streamed)).toBe(dumpStacks(profile))
    expect(streamed.frames.frames).toEqual(profile.frames.frames)
    expect(streamed.meta).toEqual(profile.meta)
  })

  test('Callstacks.txt before Symbols.txt reads the same; two symbols of one frame join', () => {
    const zip = zipSync({
      'Callstacks.txt': strToU8('1 sym1 sym0\n2 sym2 sym0\n'),
      'Symbols.txt': strToU8(
        'sym0 "m" "main" "a.c" 1\nsym1 "m" "f" "a.c" 9\nsym2 "m" "f" "a.c" 9\n',
      ),
    })
    expect(dumpStacks(readSleepy(zip)[0])).toBe('main (a.c:1);f (a.c:9) 3')
  })

  test('entry names in lower case (older Sleepy) read the same', () => {
    const lower = zipSync({
      'symbols.txt': strToU8('sym0 "m" "f" "[unknown]" 0\n'),
      'callstacks.txt': strToU8('1.5 sym0\n'),
    })
    expect(dumpStacks(readSleepy(lower)[0])).toBe('f 1.5')
    expect(sniffSleepy(lower)).toBe(true)
  })

  test('sniffed by its zip entries; other zips are not', () => {
    expect(sniffSleepy(bytes)).toBe(true)
    expect(sniffSleepy(zipSync({ 'a.txt': strToU8('x') }))).toBe(false)
  })

  test('malformed captures are ProfconvErrors', () => {
    expect(errorOf(zipSync({ 'Symbols.txt': strToU8('') }))).toMatch(/no Callstacks\.txt/)
    expect(
      errorOf(zipSync({ 'Symbols.txt': strToU8(''), 'Callstacks.txt': strToU8('1 sym9\n') })),
    ).toMatch(/unknown symbol sym9/)
    expect(errorOf(bytes.subarray(0, 100))).toMatch(/not a readable zip/)
    expect(errorOf(bytes.subarray(0, bytes.length >> 1))).toMatch(/not a readable zip/)
    expect(
      errorOf(
        zipSync({
          'Symbols.txt': strToU8('sym0 "m" "f" "" 0\n'),
          'Callstacks.txt': strToU8('1 sym0\nx sym0\n'),
        }),
      ),
    ).toMatch(/Callstacks\.txt line 2 does not start with seconds: x/)
    const big = zipSync({ 'Callstacks.txt': new Uint8Array(5000).fill(0x20) })
    expect(() => readSleepy(big, { maxInputSize: 4000 })).toThrow(/expands past the limit of 4000/)
  })
})

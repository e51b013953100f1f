import { ProfconvError, dumpStacks } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { zipSync, strToU8 } from 'fflate'
import { readSleepy, sniffSleepy } from '../src/index.js'

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
  })
})

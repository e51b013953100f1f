import { ProfconvError, dumpStacks } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readDtrace, readDtraceStream, sniffDtrace } from '../src/index.js'

const utf8 = (text: string) => new TextEncoder().encode(text)
const errorOf = (text: string) => {
  try {
    readDtrace(utf8(text))
  } catch (e) {
    expect(e).toBeInstanceOf(ProfconvError)
    return (e as Error).message
  }
  throw new Error('no error')
}

describe('DTrace stack aggregation', () => {
  const bytes = fixture('dtrace/ustack.dtrace')
  const [profile] = readDtrace(bytes)

  test('each entry is a sample: its frames leaf first, then its count', () => {
    expect(dumpStacks(profile).split('\n').sort()).toEqual(
      [
        '_start;main;compress;copy_block;memcpy 31',
        '_start;main;compress;hash_update 104',
        '_start;main;flush;copy_block;memcpy 12',
        '_start;main;0xfeedf00d 2',
        '0xfffffffffb8001d6;syscall 5',
      ].sort(),
    )
    expect(profile.metrics).toEqual([{ name: 'samples', unit: 'count' }])
    const modules = Object.fromEntries(profile.frames.frames.map((f) => [f.name, f.module]))
    expect(modules).toMatchObject({ memcpy: 'libc.so.1', main: 'app', syscall: 'genunix' })
    expect(modules['0xfeedf00d']).toBeUndefined()
  })

  test('the same frame at two offsets is one function', () => {
    const memcpy = profile.frames.frames.filter((f) => f.name === 'memcpy')
    expect(memcpy).toHaveLength(1)
  })

  test('read from 3-byte chunks gives what read gives', async () => {
    const chunks = Array.from({ length: Math.ceil(bytes.length / 3) }, (_, i) =>
      bytes.subarray(i * 3, i * 3 + 3),
    )
    const [streamed] = await readDtraceStream(chunks)
    expect(dumpStacks(streamed)).toBe(dumpStacks(profile))
  })

  test('sniffed by its indented module`symbol frames and count', () => {
    expect(sniffDtrace(bytes)).toBe(true)
    expect(sniffDtrace(utf8('main;work 3\n'))).toBe(false)
    expect(sniffDtrace(utf8('  perl`main 3\n'))).toBe(false)
  })

  test('a stack without its count, or a count without a stack, is an error with its line', () => {
    expect(errorOf('\n  app`main+0x1\n  app`_start\n')).toMatch(
      /line 2: the last stack has no count/,
    )
    expect(errorOf('  12\n')).toMatch(/line 1: a count without a stack/)
    expect(errorOf('\n\n')).toMatch(/no stack with a count/)
  })
})

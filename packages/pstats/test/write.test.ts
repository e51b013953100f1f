import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dumpGraph, ProfconvError } from '@profconv/model'
import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'
import {
  readPstats,
  readPstatsJson,
  sniffPstats,
  sniffPstatsJson,
  writePstats,
  writePstatsJson,
} from '../src/index.js'

const FIXTURES = [
  'recursion',
  'builtins_gen',
  'asyncio_app',
  'classes',
  'recursion.profile',
  'recursion.py27',
  'recursion.py27-profile',
  'recursion.yappi',
]
const oracleScript = fixturePath('../scripts/pstats-oracle.py')

describe('pstats JSON', () => {
  test('sniffed after white space, a UTF-8 BOM or as UTF-16; binary heads are refused', () => {
    const json = writePstatsJson(readPstats(fixture('pstats/recursion.prof')))
    const utf8 = (text: string) => new TextEncoder().encode(text)
    expect(sniffPstatsJson(utf8(` \r\n\t${json}`))).toBe(true)
    expect(sniffPstatsJson(utf8(`\ufeff${json}`))).toBe(true)
    const utf16 = new Uint8Array(2 + json.length * 2)
    utf16.set([0xff, 0xfe])
    for (let i = 0; i < json.length; i++) utf16[2 + i * 2] = json.charCodeAt(i)
    expect(sniffPstatsJson(utf16)).toBe(true)
    expect(sniffPstatsJson(utf8(`[${json}]`))).toBe(false)
    expect(sniffPstatsJson(fixture('pprof/cpu.pb.gz'))).toBe(false)
    expect(sniffPstatsJson(fixture('pstats/recursion.prof'))).toBe(false)
  })

  test.each(FIXTURES)('%s: binary → JSON → binary is lossless', (name) => {
    const profile = readPstats(fixture(`pstats/${name}.prof`))
    const json = writePstatsJson(profile)
    expect(sniffPstatsJson(new TextEncoder().encode(json))).toBe(true)
    const back = readPstatsJson(new TextEncoder().encode(json))
    expect(dumpGraph(back)).toBe(dumpGraph(profile))
    expect(writePstats(back)).toEqual(writePstats(readPstats(fixture(`pstats/${name}.prof`))))
  })

  test('a malformed document names the place', () => {
    const bad =
      '{"format": "pstats-json", "version": 1, "unit": "seconds", "functions": [{"file": "a.py", "line": 1, "name": "f", "cc": 1, "nc": 1, "tt": "x", "ct": 0, "callers": []}]}'
    expect(() => readPstatsJson(new TextEncoder().encode(bad))).toThrow(
      /functions\[0\]\.tt must be a number/,
    )
    expect(() => readPstatsJson(new TextEncoder().encode('{"format": "pstats-json", '))).toThrow(
      ProfconvError,
    )
  })
})

describe('writePstats', () => {
  test.each(FIXTURES)('%s: read → write → read is the same graph', (name) => {
    const profile = readPstats(fixture(`pstats/${name}.prof`))
    const bytes = writePstats(profile)
    expect(sniffPstats(bytes)).toBe(true)
    expect(dumpGraph(readPstats(bytes))).toBe(dumpGraph(profile))
  })
})

describeWithTool('python3', "Python's pstats loads what profconv writes", () => {
  const dir = mkdtempSync(join(tmpdir(), 'profconv-pstats-'))
  // The py27 and yappi fixtures are read by other Pythons; their oracles differ in form only.
  test.each(['recursion', 'builtins_gen', 'asyncio_app', 'classes', 'recursion.profile'])(
    '%s: pstats.Stats reads back every number',
    (name) => {
      const out = join(dir, `${name}.prof`)
      writeFileSync(out, writePstats(readPstats(fixture(`pstats/${name}.prof`))))
      const json = join(dir, `${name}.json`)
      run('python3', [oracleScript, json, out])
      const got = JSON.parse(readFileSync(json, 'utf8'))
      const want = JSON.parse(readFileSync(fixturePath(`pstats/${name}.oracle.json`), 'utf8'))
      expect(got.functions).toEqual(want.functions)
      expect(got.total_calls).toBe(want.total_calls)
      expect(got.prim_calls).toBe(want.prim_calls)
    },
  )
})

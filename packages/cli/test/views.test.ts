import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fixturePath, testDataDir } from '@profconv/testkit'
import { readSource } from '../src/source.js'
import { cli } from './cli-io.js'

describe('--granularity', () => {
  test('-t top -g lines names rows function file:line; a note when the input has no lines', async () => {
    const lines = await cli([fixturePath('pprof/cpu.pb.gz'), '-t', 'top', '-g', 'lines'])
    expect(lines.code).toBe(0)
    expect(lines.stdout).toMatch(/ main\.fib \S+\/main\.go:23\n/)
    const pstats = await cli([fixturePath('pstats/recursion.prof'), '-t', 'top', '-g', 'lines'])
    expect(pstats.code).toBe(0)
    expect(pstats.stderr).toMatch(/note: --granularity lines: the profile has no source lines/)
  })

  test('-g files for dot; an unknown granularity is a usage error', async () => {
    const dot = await cli([fixturePath('pprof/cpu.pb.gz'), '-t', 'dot', '--granularity', 'files'])
    expect(dot.code).toBe(0)
    expect(dot.stdout).toMatch(/label="[^"]*main\.go/)
    const bad = await cli([fixturePath('pprof/cpu.pb.gz'), '-t', 'top', '-g', 'words'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/granularity/)
  })
})

describe('profconv list', () => {
  test('the subcommand and -t list --list give the same listing', async () => {
    const file = fixturePath('pprof/cpu.pb.gz')
    const sub = await cli(['list', 'main\\.fib$', file, '--source-path', testDataDir])
    const flag = await cli([
      file,
      '-t',
      'list',
      '--list',
      'main\\.fib$',
      '--source-path',
      testDataDir,
    ])
    expect(sub.code).toBe(0)
    expect(sub.stdout).toBe(flag.stdout)
    expect(sub.stdout).toMatch(/^ROUTINE =+ main\.fib in /m)
    expect(sub.stdout).toMatch(/ {5}23:\treturn fib\(n-1\) \+ fib\(n-2\)\n/)
  })

  test('-g with -t list says it is not used (a listing is always per source line)', async () => {
    const file = fixturePath('pprof/cpu.pb.gz')
    const plain = await cli([file, '-t', 'list', '--list', 'main\\.fib$'])
    const files = await cli([file, '-t', 'list', '--list', 'main\\.fib$', '-g', 'files'])
    expect(files.code).toBe(0)
    expect(files.stdout).toBe(plain.stdout)
    expect(files.stderr).toMatch(
      /note: --granularity files is not used: -t list has units of its own/,
    )
    expect(plain.stderr).not.toMatch(/granularity/)
  })

  test('notes of a listing name -t list, never a --granularity the user did not pass', async () => {
    const pstats = await cli([fixturePath('pstats/recursion.prof'), '-t', 'list', '--list', 'fib'])
    expect(pstats.code).toBe(0)
    expect(pstats.stderr).toMatch(/note: -t list: the profile has no source lines/)
    const callgrind = await cli(['list', 'main', fixturePath('callgrind/rec-instr.callgrind')])
    expect(callgrind.code).toBe(0)
    expect(callgrind.stderr).toMatch(/note: -t list: the call graph does not say which line/)
    for (const r of [pstats, callgrind]) expect(r.stderr).not.toMatch(/granularity/)
  })

  test('a pattern that matches nothing exits 2 with one line', async () => {
    const r = await cli(['list', 'no_such_function', fixturePath('pprof/cpu.pb.gz')])
    expect(r.code).toBe(2)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })
})

describe('readSource', () => {
  test('finds a file below --source-path when the recorded folder is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'profconv-src-'))
    try {
      writeFileSync(join(dir, 'a.go'), 'package main\n')
      const base = dir.slice(dir.lastIndexOf('/') + 1)
      // Recorded on another machine under a folder of the same name.
      expect(readSource(`/build/host/${base}/a.go`, dir)).toBe('package main\n')
      expect(readSource('a.go', dir)).toBe('package main\n')
      expect(readSource(`file://${dir}/a.go`)).toBe('package main\n')
      expect(readSource('/nowhere/b.go', dir)).toBeUndefined()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

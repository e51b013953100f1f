import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fixturePath } from '@profconv/testkit'

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../bin/profconv.js')

describe('bin/profconv.js', () => {
  // The start-up target rests on V8 taking the cache recorded by build.mjs: a change to the
  // bundle's wrapper or format that V8 no longer matches would only show as a slower start.
  test('loads the bundle with the code cache recorded at build time', () => {
    const r = spawnSync('node', [BIN, '--version'], {
      encoding: 'utf8',
      env: { ...process.env, PROFCONV_DEBUG_CODE_CACHE: '1' },
    })
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('profconv: code cache accepted\n')
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
  })

  // A merge's worker threads load their own bundle (dist/worker.cjs) and its cache.
  test('starts merge workers from the worker bundle, with its code cache', () => {
    const inputs = Array.from({ length: 8 }, () => fixturePath('pprof/cpu.pb.gz'))
    const r = spawnSync('node', [BIN, 'merge', ...inputs, '-t', 'folded', '--jobs', '2', '-q'], {
      encoding: 'utf8',
      env: { ...process.env, PROFCONV_DEBUG_CODE_CACHE: '1' },
    })
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('profconv: code cache accepted\n'.repeat(2))
    expect(r.stdout).toContain('runtime.main')
  })

  test('runs a conversion through the bundle', () => {
    const r = spawnSync('node', [BIN, fixturePath('pstats/recursion.prof'), '-t', 'folded'], {
      encoding: 'utf8',
    })
    expect(r.status).toBe(0)
    expect(r.stdout).toContain(';main (programs/recursion.py:22);fib (programs/recursion.py:8) ')
  })
})

import { describeWithTool, fixture, fixturePath, run } from '@profconv/testkit'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dumpPositions, dumpStacks } from '@profconv/model'
import { readPprof, writePprof } from '../src/index.js'
import { normaliseRaw } from './raw.js'

const fixtures = ['cpu', 'heap', 'node-wall', 'node-heap']

describe.each(fixtures)('%s.pb.gz read back after writing', (name) => {
  const profile = readPprof(fixture(`pprof/${name}.pb.gz`))

  test('same stacks, values, labels, lines and metadata', () => {
    const again = readPprof(writePprof(profile))
    expect(dumpStacks(again)).toEqual(dumpStacks(profile))
    expect(again.metrics).toEqual(profile.metrics)
    expect(again.defaultMetric).toBe(profile.defaultMetric)
    expect(again.samples!.labels).toEqual(profile.samples!.labels)
    const frames = (p: typeof profile) =>
      [...new Set(p.samples!.tree.columns().frame)]
        .map((f) => JSON.stringify(p.frames.get(f)))
        .sort()
    expect(frames(again)).toEqual(frames(profile))
    const lines = (p: typeof profile) => {
      const t = p.samples!.tree
      return Array.from(p.samples!.stack, (leaf) => {
        const out: number[] = []
        for (let n = leaf; n >= 0; n = t.parent(n)) out.push(t.line(n))
        return out.join(',')
      })
    }
    expect(lines(again)).toEqual(lines(profile))
    expect(again.meta.period).toEqual(profile.meta.period)
    expect(again.meta.duration).toBe(profile.meta.duration)
    expect(Math.abs(again.meta.startTime! - profile.meta.startTime!)).toBeLessThan(1e-3)
  })

  test('addresses, lines and mappings kept exactly (the vsyscall mapping of cpu lies beyond 2^53)', () => {
    const again = readPprof(writePprof(profile))
    expect(dumpPositions(again)).toEqual(dumpPositions(profile))
    expect(again.meta.mappings).toEqual(profile.meta.mappings)
  })

  test('gzip: false gives the raw protobuf', () => {
    const raw = writePprof(profile, { gzip: false })
    expect(raw[0]).toBe(0x0a)
    expect(dumpStacks(readPprof(raw))).toEqual(dumpStacks(profile))
  })
})

describeWithTool('go', 'go tool pprof -raw of input and output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profconv-pprof-'))
  test.each(fixtures)('%s: identical modulo ids', (name) => {
    const out = join(dir, `${name}.pb.gz`)
    writeFileSync(out, writePprof(readPprof(fixture(`pprof/${name}.pb.gz`))))
    const before = normaliseRaw(
      run('go', ['tool', 'pprof', '-raw', fixturePath(`pprof/${name}.pb.gz`)]),
    )
    const after = normaliseRaw(run('go', ['tool', 'pprof', '-raw', out]))
    expect(before.samples.length).toBeGreaterThan(3)
    expect(after.samples).toEqual(before.samples)
    expect(after.header).toEqual(before.header)
    expect(Math.abs(after.time - before.time)).toBeLessThanOrEqual(1)
  })
})

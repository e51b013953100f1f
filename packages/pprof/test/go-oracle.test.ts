import { fixture } from '@profconv/testkit'
import { readFileSync } from 'node:fs'
import { fixturePath } from '@profconv/testkit'
import { readPprof } from '../src/index.js'
import { ourTop, parseTop } from './top.js'

const text = (rel: string) => readFileSync(fixturePath(rel), 'utf8')

describe.each([
  ['cpu', ['samples', 'cpu']],
  ['heap', ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']],
  ['node-wall', ['sample', 'wall']],
  ['node-heap', ['inuse_objects', 'inuse_space']],
])('%s.pb.gz against go tool pprof -top', (name, types) => {
  const profile = readPprof(fixture(`pprof/${name}.pb.gz`))

  test('has every sample type as a metric', () => {
    expect(profile.metrics.map((m) => m.name)).toEqual(types)
  })

  test.each(types)('per-function flat and cum of %s equal pprof -top', (type) => {
    const m = profile.metrics.findIndex((x) => x.name === type)
    const expected = parseTop(text(`pprof/${name}.top.${type}.txt`))
    expect(expected.size).toBeGreaterThan(5)
    const ours = ourTop(profile, m)
    expect(Object.fromEntries(ours)).toEqual(Object.fromEntries(expected))
  })
})

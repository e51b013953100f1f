import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { ALL_SEEDS, READERS, SEEDS } from './corpus.js'
import { readChecked, streamMatchesRead } from './guard.js'
import { mutated, randomBytes } from './mutate.js'
import { FUZZ } from './settings.js'

// Every reader in the registry, fed mutations of its real fixtures and random bytes: it returns
// profiles or throws a one-line ProfconvError, in bounded time and memory (guard.ts).

describe.each(READERS.map((f) => [f.name, f] as const))('%s reader', (_name, format) => {
  const seeds = SEEDS.get(format.name)!
  const fixture = seeds.find((s) => !s.source.startsWith('written')) ?? seeds[0]

  test(`truncated at every byte of ${fixture.source}`, () => {
    const outcomes = new Set<string>()
    for (const n of cutPoints(fixture.plain.length)) {
      const cut = fixture.plain.subarray(0, n)
      outcomes.add(readChecked(format, fixture.gzip ? new Uint8Array(gzipSync(cut)) : cut))
      if (fixture.gzip) outcomes.add(readChecked(format, fixture.bytes.subarray(0, n)))
    }
    expect(outcomes).toContain('error')
  })

  test(`${FUZZ.mutations} mutations of ${seeds.length} seeds`, () => {
    fc.assert(
      fc.property(mutated(seeds, ALL_SEEDS), (bytes) => {
        readChecked(format, bytes)
      }),
      { seed: FUZZ.seed, numRuns: FUZZ.mutations },
    )
  })

  if (format.readStream) {
    test(`${FUZZ.stream} mutations read from chunks give what read gives`, async () => {
      await fc.assert(
        fc.asyncProperty(
          mutated(seeds, ALL_SEEDS),
          fc.integer({ min: 1, max: 4096 }),
          (bytes, size) => streamMatchesRead(format, bytes, size),
        ),
        { seed: FUZZ.seed, numRuns: FUZZ.stream },
      )
    })
  }

  test(`${FUZZ.random} random inputs`, () => {
    fc.assert(
      fc.property(randomBytes(seeds), (bytes) => {
        readChecked(format, bytes)
      }),
      { seed: FUZZ.seed, numRuns: FUZZ.random },
    )
  })
})

/** Every byte offset of a small input; of a big one, every byte near both ends and 2000 between. */
function cutPoints(length: number): number[] {
  const edge = 1024
  if (length <= 4 * edge) return Array.from({ length }, (_, n) => n)
  const step = Math.ceil((length - 2 * edge) / 2000)
  const points: number[] = []
  for (let n = 0; n < length; n += n < edge || n >= length - edge ? 1 : step) points.push(n)
  return points
}

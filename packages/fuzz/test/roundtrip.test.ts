import fc from 'fast-check'
import { getFormat } from '@profconv/core'
import {
  checkPositions,
  dumpGraph,
  dumpPositions,
  dumpStacks,
  graphOf,
  mergeProfiles,
  positionsOf,
  withGraph,
  type Profile,
} from '@profconv/model'
import { pstatsProfiles, sampleProfiles, type SampleShape } from './profiles.js'
import { FUZZ } from './settings.js'

// Round trips of random profiles through each lossless pair: reading what a writer wrote gives
// back the same stacks (or call graph), and writing that again gives the same bytes.

const bytes = (out: string | Uint8Array) =>
  typeof out === 'string' ? new TextEncoder().encode(out) : out
const text = (out: string | Uint8Array) =>
  typeof out === 'string' ? out : Buffer.from(out).toString('hex')

/** `profile` written as `to`, then read back (several profiles merged). */
function through(to: string, profile: Profile): { back: Profile; written: string | Uint8Array } {
  const format = getFormat(to)
  const written = format.write!(profile, {})
  return { back: mergeProfiles(format.read!(bytes(written), {})), written }
}

/** Writing what was read gives the same bytes again (after the first trip names settle). */
function expectFixpoint(to: string, profile: Profile): void {
  const once = through(to, profile).back
  const twice = through(to, once)
  expect(text(getFormat(to).write!(twice.back, {}))).toBe(text(twice.written))
}

const settings = { seed: FUZZ.seed, numRuns: FUZZ.profiles }

const COUNT = [{ name: 'samples', unit: 'count' }]
const SAMPLE_PAIRS: [string, SampleShape][] = [
  ['folded', { frames: 'name', metrics: [COUNT] }],
  ['folded', { frames: 'name+file+line', metrics: [COUNT] }],
  [
    'speedscope',
    {
      frames: 'name+file+line',
      metrics: [[{ name: 'cpu', unit: 'nanoseconds' }], [{ name: 'alloc', unit: 'bytes' }]],
    },
  ],
  [
    'firefox',
    {
      frames: 'name+file+line',
      metrics: [
        COUNT,
        [{ name: 'time', unit: 'milliseconds' }],
        [{ name: 'space', unit: 'bytes' }],
      ],
    },
  ],
  [
    'chrome-trace',
    { frames: 'name+file+line', metrics: [[{ name: 'time', unit: 'microseconds' }]] },
  ],
  [
    'pprof',
    {
      frames: 'name+file+line',
      metrics: [
        COUNT,
        [
          { name: 'samples', unit: 'count' },
          { name: 'cpu', unit: 'nanoseconds' },
          { name: 'alloc_space', unit: 'bytes' },
        ],
      ],
    },
  ],
]

/**
 * Stacks as folded text holds them: `name (file:line)`, the line the node's (where a frame runs)
 * or else the frame's own. Folded reads `name (file:line)` as the function (name, file) running
 * that line (py-spy's raw frames), so a frame's own line comes back on its stack nodes.
 */
function dumpFoldedLines(profile: Profile): string {
  const { tree, stack, values } = profile.samples!
  const sums = new Map<string, number>()
  for (let i = 0; i < stack.length; i++) {
    const frames: string[] = []
    for (let n = stack[i]; n >= 0; n = tree.parent(n)) {
      const f = profile.frames.get(tree.frame(n))
      const line = tree.line(n) || f.line
      frames.unshift(
        f.file === undefined ? f.name : `${f.name} (${f.file}${line ? `:${line}` : ''})`,
      )
    }
    const key = frames.join(';')
    sums.set(key, (sums.get(key) ?? 0) + values[0][i])
  }
  return [...sums]
    .map(([k, v]) => `${k} ${v}`)
    .sort()
    .join('\n')
}

describe.each(SAMPLE_PAIRS)('samples → %s → back', (to, shape) => {
  test(`${FUZZ.profiles} random profiles (${shape.frames}) keep their stacks`, () => {
    fc.assert(
      fc.property(sampleProfiles(shape), (profile) => {
        const back = through(to, profile).back
        if (to === 'folded') expect(dumpFoldedLines(back)).toBe(dumpFoldedLines(profile))
        else expect(dumpStacks(back)).toBe(dumpStacks(profile))
        expectFixpoint(to, profile)
      }),
      settings,
    )
  })
})

const THREE = [
  { name: 'samples', unit: 'count' },
  { name: 'cpu', unit: 'nanoseconds' },
  { name: 'alloc_space', unit: 'bytes' },
]

describe('samples with lines and addresses → pprof → back', () => {
  const shape: SampleShape = {
    frames: 'name+file+line',
    metrics: [COUNT, [{ name: 'cpu', unit: 'nanoseconds' }]],
    positions: true,
  }
  test(`${FUZZ.profiles} random profiles keep every position exactly (kernel addresses too)`, () => {
    fc.assert(
      fc.property(sampleProfiles(shape), (profile) => {
        const { back } = through('pprof', profile)
        checkPositions(positionsOf(back)!, graphOf(back), 'pprof')
        expect(dumpPositions(back)).toBe(dumpPositions(profile))
        expect(dumpStacks(back)).toBe(dumpStacks(profile))
        expectFixpoint('pprof', profile)
      }),
      settings,
    )
  })

  test(`${FUZZ.profiles} random call graphs with position detail beside (as callgrind's) keep each position's self`, () => {
    /** Self rows only (`at …`), the call sites of estimated stacks being an estimate. */
    const selfRows = (p: Profile) =>
      dumpPositions(p)
        .split('\n')
        .filter((l) => l.startsWith('at '))
    fc.assert(
      fc.property(sampleProfiles({ ...shape, metrics: [...shape.metrics, THREE] }), (samples) => {
        const profile: Profile = { ...withGraph(samples), positions: positionsOf(samples) }
        delete profile.samples
        const { back } = through('pprof', profile)
        checkPositions(positionsOf(back)!, graphOf(back), 'pprof')
        expect(selfRows(back)).toEqual(selfRows(profile))
      }),
      settings,
    )
  })
})

/** A graph dump without call counts (callgrind writes unknown ones as 1, and says so). */
const uncounted = (dump: string) => dump.replace(/ calls=\d+(\/\d+)?/g, '')

describe('callgrind ⇄ callgrind', () => {
  const shape: SampleShape = {
    frames: 'name+file',
    metrics: [
      [{ name: 'Ir', unit: 'count' }],
      [
        { name: 'Ir', unit: 'count' },
        { name: 'Dr', unit: 'count' },
        { name: 'Dw', unit: 'count' },
      ],
    ],
    acyclic: true,
  }
  test(`${FUZZ.profiles} random call graphs keep every function and arc`, () => {
    fc.assert(
      fc.property(sampleProfiles(shape), (samples) => {
        const profile = withGraph(samples)
        // (No byte fixpoint: the writer orders same-named functions of several files by
        // first appearance, which reading changes; the graph is what must not change.)
        // Samples have no call counts: callgrind is written calls=1 per call site, with a note.
        const once = through('callgrind', profile).back
        expect(uncounted(dumpGraph(once))).toBe(dumpGraph(profile))
        expect(uncounted(dumpGraph(through('callgrind', once).back))).toBe(dumpGraph(profile))
      }),
      settings,
    )
  })

  test(`${FUZZ.profiles} random graphs with cycles keep self costs and arcs; totals differ only with a note`, () => {
    fc.assert(
      fc.property(sampleProfiles({ ...shape, acyclic: false }), (samples) => {
        const profile = withGraph(samples)
        const back = through('callgrind', profile).back
        const lines = (p: Profile, kind: string) =>
          uncounted(dumpGraph(p))
            .split('\n')
            .filter((l) => l.startsWith(kind))
        const selfOnly = (p: Profile) => lines(p, 'fn ').map((l) => l.replace(/ total=\S*/, ''))
        expect(lines(back, 'edge ')).toEqual(lines(profile, 'edge '))
        expect(selfOnly(back)).toEqual(selfOnly(profile))
        if (uncounted(dumpGraph(back)) !== dumpGraph(profile))
          expect(back.meta.notes).not.toEqual([])
      }),
      settings,
    )
  })
})

describe('pstats ⇄ pstats-json', () => {
  test(`${FUZZ.profiles} random pstats tables survive pstats, pstats-json and both in turn`, () => {
    fc.assert(
      fc.property(pstatsProfiles(), (profile) => {
        const expected = dumpGraph(profile)
        const viaPstats = through('pstats', profile)
        expect(dumpGraph(viaPstats.back)).toBe(expected)
        const viaJson = through('pstats-json', profile)
        expect(dumpGraph(viaJson.back)).toBe(expected)
        expect(dumpGraph(through('pstats', viaJson.back).back)).toBe(expected)
        expect(dumpGraph(through('pstats-json', viaPstats.back).back)).toBe(expected)
        expectFixpoint('pstats', profile)
        expectFixpoint('pstats-json', profile)
      }),
      settings,
    )
  })
})

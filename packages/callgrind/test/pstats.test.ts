import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mergeProfiles, nanosecondsPer } from '@profconv/model'
import { readPstats, writePstats } from '@profconv/pstats'
import { describeWithTool, fixture, run } from '@profconv/testkit'
import { readCallgrind, writeCallgrind } from '../src/index.js'
import { parseAnnotate, table } from './annotate.js'

const dir = mkdtempSync(join(tmpdir(), 'profconv-callgrind-pstats-'))
const save = (file: string, data: string | Uint8Array) => {
  const path = join(dir, file)
  writeFileSync(path, data)
  return path
}

/** Python's own reading of a pstats file: tt per function name, and total_tt. */
const PSTATS = `
import json, pstats, sys
s = pstats.Stats(sys.argv[1])
per = {}
for (file, line, name), (cc, nc, tt, ct, callers) in s.stats.items():
    per.setdefault(name, []).append(tt)
print(json.dumps({"total": s.total_tt, "tt": per}))
`
const python = (path: string) =>
  JSON.parse(run('python3', ['-c', PSTATS, path])) as {
    total: number
    tt: Record<string, number[]>
  }

describeWithTool('callgrind_annotate', 'pstats → callgrind → callgrind_annotate', () => {
  describeWithTool('python3', 'against Python’s pstats', () => {
    test.each(['recursion', 'classes', 'builtins_gen', 'asyncio_app', 'recursion.yappi'])(
      '%s.prof: the same self times in nanoseconds',
      (name) => {
        const prof = fixture(`pstats/${name}.prof`)
        const path = save(`${name}.callgrind`, writeCallgrind(readPstats(prof)))
        const annotated = parseAnnotate(
          run('callgrind_annotate', ['--threshold=100', '--auto=no', '--show-percs=no', path]),
        )
        // Frames that differ only in their line are written `name:line`; group by name.
        const byName = new Map<string, number[]>()
        for (const [fn, v] of annotated.byName) {
          const bare = fn.replace(/:\d+$/, '')
          byName.set(bare, [(byName.get(bare)?.[0] ?? 0) + v[0]])
        }
        const theirs = python(save(`${name}.prof`, prof))
        const want = new Map(
          Object.entries(theirs.tt).map(([fn, tts]) => [
            fn,
            [tts.reduce((s, tt) => s + Math.round(tt * 1e9), 0)],
          ]),
        )
        expect(annotated.events).toEqual(['time(ns)'])
        expect(table(byName)).toEqual(table(want))
        expect(annotated.totals[0]).toBeCloseTo(theirs.total * 1e9, -3)
      },
    )
  })
})

describeWithTool('python3', 'callgrind → pstats loads in Python’s pstats.Stats', () => {
  test.each(['rec-plain', 'rec-cache', 'threads-01', 'yappi', 'pprof'])('%s', (name) => {
    const profile = mergeProfiles(readCallgrind(fixture(`callgrind/${name}.callgrind`)))
    const path = save(`${name}.prof`, writePstats(profile))
    const theirs = python(path)
    const m = profile.defaultMetric
    const scale = (nanosecondsPer(profile.metrics[m].unit) ?? 1e9) / 1e9
    const ours = new Map<string, number>()
    for (const node of profile.graph!.nodes) {
      const fn = profile.frames.get(node.frame).name
      ours.set(fn, (ours.get(fn) ?? 0) + node.self[m] * scale)
    }
    // The pstats writer tells same-named functions of different objects apart as `name [ob]`.
    const loaded = new Map<string, number>()
    for (const [key, tts] of Object.entries(theirs.tt)) {
      const fn = key.replace(/ \[[^\]]*\]$/, '')
      loaded.set(fn, (loaded.get(fn) ?? 0) + tts.reduce((a, b) => a + b, 0))
    }
    expect([...loaded.keys()].sort()).toEqual([...ours.keys()].sort())
    for (const [fn, tt] of ours)
      expect([fn, loaded.get(fn)! / Math.max(1, tt)]).toEqual([
        fn,
        expect.closeTo(tt / Math.max(1, tt), 9),
      ])
    const total = [...ours.values()].reduce((a, b) => a + b, 0)
    expect(theirs.total).toBeCloseTo(total, 6)
  })
})

import { gzipSync } from 'node:zlib'
import { dumpGraph, graphCycles, graphTotals, mergeProfiles, type Profile } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readFileSync } from 'node:fs'
import { fixturePath } from '@profconv/testkit'
import {
  callgrindFormat,
  readCallgrind,
  readCallgrindStream,
  sniffCallgrind,
} from '../src/index.js'
import { annotateSelfByName, parseAnnotate, table } from './annotate.js'
import { FIXTURES } from './fixtures.js'

const text = (name: string) => readFileSync(fixturePath(`callgrind/${name}.callgrind`), 'utf8')
const reading = (name: string, kind: 'self' | 'inclusive') =>
  parseAnnotate(readFileSync(fixturePath(`callgrind/${name}.${kind}.txt`), 'utf8'))

/** The `totals:` (or else `summary:`) figures of each part of a callgrind file. */
function statedTotals(source: string): number[][] {
  return source
    .split(/^part:.*$/m)
    .map((part) => part.match(/^totals:(.*)$/m) ?? part.match(/^summary:(.*)$/m))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => m[1].trim().split(/\s+/).map(Number))
}

async function* inChunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

describe.each(FIXTURES)('%s.callgrind', (name) => {
  const profiles = readCallgrind(fixture(`callgrind/${name}.callgrind`))
  const self = reading(name, 'self')

  test('every function’s self cost per event equals callgrind_annotate’s', () => {
    expect(profiles[0].metrics.map((m) => m.name)).toEqual(self.events)
    expect(table(annotateSelfByName(profiles))).toEqual(table(self.byName))
  })

  test('program totals equal the totals: line of each part', () => {
    const stated = statedTotals(text(name))
    if (stated.length > 0) {
      expect(profiles.map((p) => graphTotals(p.graph!, p.metrics.length))).toEqual(stated)
    }
    if (self.calculated) {
      const sums = new Array<number>(self.events.length).fill(0)
      for (const v of annotateSelfByName(profiles).values()) v.forEach((x, m) => (sums[m] += x))
      expect(sums).toEqual(self.totals)
    }
    expect(profiles.every((p) => p.meta.notes.every((n) => !n.includes('differs')))).toBe(true)
  })

  test('no total exceeds the program total or falls below self', () => {
    for (const p of profiles) {
      const program = graphTotals(p.graph!, p.metrics.length)
      for (const node of p.graph!.nodes) {
        node.total.forEach((t, m) => {
          expect(t).toBeLessThanOrEqual(program[m])
          expect(t).toBeGreaterThanOrEqual(node.self[m])
        })
      }
    }
  })

  test('totals of functions outside recursion equal callgrind_annotate --inclusive=yes', () => {
    // callgrind_annotate sums every arc into the callee, so it agrees with profconv wherever
    // no recursion is involved: compare those functions (with a name of their own, read by
    // annotate as one row, and called through no calls=0 arc, which annotate skips).
    const inclusive = reading(name, 'inclusive')
    const merged = mergeProfiles(profiles)
    const graph = merged.graph!
    const program = graphTotals(graph, merged.metrics.length)
    const skip = new Set(graphCycles(graph).flat())
    for (const e of graph.edges) if (e.caller === e.callee) skip.add(e.callee)
    const viaUnknownCalls = new Set(
      profiles.flatMap((p) =>
        p.graph!.edges.filter((e) => e.calls === undefined).map((e) => p.frames.get(e.callee).name),
      ),
    )
    const named = new Map<string, number>()
    for (const f of merged.frames.frames) named.set(f.name, (named.get(f.name) ?? 0) + 1)
    let compared = 0
    for (const node of graph.nodes) {
      const fname = merged.frames.get(node.frame).name
      if (skip.has(node.frame) || viaUnknownCalls.has(fname)) continue
      if (named.get(fname) !== 1 || inclusive.rows.get(fname) !== 1) continue
      const theirs = inclusive.byName.get(fname)!.map((v, m) => Math.min(v, program[m]))
      expect([fname, node.total]).toEqual([fname, theirs])
      compared++
    }
    expect(compared).toBeGreaterThan(0)
  })

  test('a tiny-chunk stream, gzip, CRLF and no final newline read the same', async () => {
    const bytes = fixture(`callgrind/${name}.callgrind`)
    const want = profiles.map(dumpGraph)
    const dumps = (ps: Profile[]) => ps.map(dumpGraph)
    expect(dumps(await readCallgrindStream(inChunks(bytes, 7)))).toEqual(want)
    expect(dumps(await readCallgrindStream(inChunks(gzipSync(bytes), 5)))).toEqual(want)
    expect(dumps(readCallgrind(gzipSync(bytes)))).toEqual(want)
    const crlf = new TextEncoder().encode(text(name).replace(/\n/g, '\r\n'))
    expect(dumps(await readCallgrindStream(inChunks(crlf, 3)))).toEqual(want)
    const last = bytes.lastIndexOf(10)
    const unterminated = last === bytes.length - 1 ? bytes.subarray(0, last) : bytes
    expect(dumps(readCallgrind(unterminated))).toEqual(want)
  })

  test('is sniffed as callgrind', () => {
    expect(sniffCallgrind(fixture(`callgrind/${name}.callgrind`))).toBe(true)
    expect(callgrindFormat.sniff!(gzipSync(fixture(`callgrind/${name}.callgrind`)))).toBe(true)
  })
})

describe('a file cut short', () => {
  const CUT = /^the file looks cut short/
  const cutNotes = (profiles: Profile[]) =>
    profiles.flatMap((p) => p.meta.notes.filter((n) => CUT.test(n)))
  /** The file's first `n` lines, as `head -n` writes them. */
  const head = (source: string, n: number) =>
    new TextEncoder().encode(source.split('\n').slice(0, n).join('\n') + '\n')

  test("valgrind's callgrind ends every part with totals: a cut that reads is noted", () => {
    // valgrind --tool=callgrind writes `totals:` after each dump; callgrind_annotate reads a file
    // cut at a line boundary without a word, as if the program had stopped there.
    const source = text('rec-plain')
    const lines = source.split('\n').length
    let noted = 0
    for (const n of [20, 3000, 6000, lines - 3]) {
      let profiles: Profile[]
      try {
        profiles = readCallgrind(head(source, n))
      } catch {
        continue // a cut between calls= and its cost line is an error already
      }
      const notes = cutNotes(profiles)
      expect(notes).toHaveLength(1)
      expect(notes[0]).toMatch(
        /callgrind-3\.19\.0 ends every part with a totals: line and this file has none \(its costs sum to \d+, its summary: line says 382246\)/,
      )
      noted++
    }
    expect(noted).toBeGreaterThanOrEqual(3)
    // The cut just before `totals:`: every cost is there, only the end marker is missing.
    expect(cutNotes(readCallgrind(head(source, lines - 3)))[0]).toMatch(/sum to 382246,/)
    for (const name of FIXTURES)
      expect(cutNotes(readCallgrind(fixture(`callgrind/${name}.callgrind`)))).toEqual([])
  })

  test('in a later part, or in the header of the next part', () => {
    const source = text('rec-parts')
    const lines = source.split('\n')
    const partLine = (k: number) => lines.findIndex((l) => l === `part: ${k}`) + 1
    const inPart2 = readCallgrind(head(source, partLine(3) - 200))
    expect(inPart2).toHaveLength(2)
    expect(cutNotes([inPart2[0]])).toEqual([])
    expect(cutNotes([inPart2[1]])[0]).toMatch(/and part 2 has none/)
    const atPart3 = readCallgrind(head(source, partLine(3) + 2))
    expect(atPart3).toHaveLength(2)
    expect(cutNotes(atPart3)).toEqual([
      'the file looks cut short: it ends in the header of part 3, before any of its costs',
    ])
  })

  test('files of other writers, which end without totals:, are not cut short', () => {
    // go tool pprof -callgrind and yappi write neither summary: nor totals:; pyprof2calltree
    // writes summary: alone.
    const pyprof2calltree = 'events: Ticks\nsummary: 5\nfl=a.py\nfn=f\n1 5\n'
    for (const bytes of [
      fixture('callgrind/pprof.callgrind'),
      fixture('callgrind/yappi.callgrind'),
      new TextEncoder().encode(pyprof2calltree),
    ])
      expect(cutNotes(readCallgrind(bytes))).toEqual([])
  })
})

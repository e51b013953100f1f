import { dumpGraph, type Profile } from '@profconv/model'
import { fixture } from '@profconv/testkit'
import { readCallgrind, readCallgrindStream } from '../src/index.js'

// A big file made by repeating the body of a real one (everything between the header and the
// totals: line) n times, fed as a stream of the same few buffers: nothing but the reader's
// own state can grow.
const source = fixture('callgrind/rec-instr.callgrind')
const text = new TextDecoder().decode(source)
const bodyAt = text.indexOf('\nob=')
const totalsAt = text.indexOf('\ntotals:')
const encode = (s: string) => new TextEncoder().encode(s)
const head = encode(text.slice(0, bodyAt + 1))
const body = encode(text.slice(bodyAt + 1, totalsAt + 1))

function* repeated(n: number): Generator<Uint8Array> {
  yield head
  // Odd-sized slices so lines straddle chunk boundaries.
  for (let i = 0; i < n; i++) {
    for (let at = 0; at < body.length; at += 65521) yield body.subarray(at, at + 65521)
  }
}

/** The profile with every cost and count divided by n. */
function divided(p: Profile, n: number): string {
  const by = (v: number[]) => v.map((x) => x / n)
  const div = (x: number | undefined) => (x === undefined ? undefined : x / n)
  const graph = p.graph!
  const nodes = graph.nodes.map((g) => ({
    ...g,
    self: by(g.self),
    total: by(g.total),
    calls: div(g.calls),
    primitiveCalls: div(g.primitiveCalls),
  }))
  const edges = graph.edges.map((e) => ({ ...e, total: by(e.total), calls: div(e.calls) }))
  return dumpGraph({ ...p, graph: { nodes, edges } })
}

const memory = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers

test('a body repeated n times reads as the same graph scaled by n', async () => {
  const [once] = readCallgrind(source)
  const [many] = await readCallgrindStream(repeated(50))
  expect(divided(many, 50)).toEqual(dumpGraph(once))
})

test('memory stays flat while the input grows (the >1 GiB bound, proven on 160 MB)', async () => {
  const peak = async (n: number) => {
    let max = 0
    let chunks = 0
    const watched = (function* () {
      for (const chunk of repeated(n)) {
        if (++chunks % 64 === 0) max = Math.max(max, memory())
        yield chunk
      }
    })()
    const before = memory()
    await readCallgrindStream(watched)
    return max - before
  }
  const small = await peak(40) // ~6 MB of input
  const big = await peak(1000) // ~160 MB of input
  expect(1000 * body.length).toBeGreaterThan(150e6)
  // Garbage collection runs when it likes, so allow slack; holding the input would need
  // hundreds of megabytes more.
  expect(big - small).toBeLessThan(64 * 1024 * 1024)
}, 300_000)

import fc from 'fast-check'
import {
  FrameTable,
  GraphBuilder,
  SamplesBuilder,
  newMeta,
  type Frame,
  type Metric,
  type Profile,
} from '@profconv/model'

/**
 * Function names every text format can carry as they are: any Unicode text without whitespace,
 * `;` (the folded separator) or a leading `(` (a callgrind compressed id).
 */
const name = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 10 })
  .filter((s) => !/[\s;]/u.test(s) && !s.startsWith('('))

const file = fc.constantFrom('app.py', 'lib/ünï.py', '/usr/lib/x.so', 'C:\\src\\a.c')

/** Which parts of a frame a format carries. */
export type FrameShape = 'name' | 'name+file' | 'name+file+line'

function frameArb(shape: FrameShape): fc.Arbitrary<Frame> {
  if (shape === 'name') return name.map((n) => ({ name: n }))
  if (shape === 'name+file') return fc.record({ name, file })
  return fc.record({ name, file, line: fc.integer({ min: 1, max: 100_000 }) })
}

const frameList = (shape: FrameShape) =>
  fc.uniqueArray(frameArb(shape), {
    minLength: 1,
    maxLength: 8,
    selector: (f) => `${f.name}\0${f.file}\0${f.line}`,
  })

export interface SampleShape {
  frames: FrameShape
  /** The metrics to use; a profile gets one of these lists. */
  metrics: readonly (readonly Metric[])[]
  /**
   * Stacks go down one fixed order of functions, so the call graph has no cycle (callgrind's
   * inclusive costs are exact only then).
   */
  acyclic?: boolean
  /**
   * Stack nodes carry where they are: a source line (0 unknown) and an instruction address (0
   * unknown, small, or a kernel address beyond 2^53).
   */
  positions?: boolean
}

const address = fc.oneof(
  fc.constant<number | bigint>(0),
  fc.integer({ min: 1, max: 0xffffff }),
  fc.bigInt({ min: 0xffffffff80000000n, max: 0xffffffffffffffffn }),
)

/** Random profiles of weighted stacks (non-empty, weights positive integers). */
export function sampleProfiles(shape: SampleShape): fc.Arbitrary<Profile> {
  return fc
    .record({
      frames: frameList(shape.frames),
      metrics: fc.constantFrom(...shape.metrics),
      samples: fc.array(
        fc.record({
          stack: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
          where: fc.array(fc.tuple(fc.nat(50), address), { minLength: 6, maxLength: 6 }),
          values: fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 3, maxLength: 3 }),
        }),
        { minLength: 1, maxLength: 30 },
      ),
    })
    .map(({ frames, metrics, samples }) => {
      const table = new FrameTable()
      const ids = frames.map((f) => table.intern(f))
      const builder = new SamplesBuilder(metrics.length)
      for (const s of samples) {
        let stack = s.stack.map((i) => ids[i % ids.length])
        if (shape.acyclic) stack = [...new Set(stack)].sort((a, b) => a - b)
        const values = s.values.slice(0, metrics.length)
        if (!shape.positions) builder.addStack(stack, values)
        else {
          let node = -1
          stack.forEach(
            (f, k) => (node = builder.tree.child(node, f, s.where[k][0], -1, s.where[k][1])),
          )
          builder.add(node, values)
        }
      }
      return {
        metrics: metrics.map((m) => ({ ...m })),
        defaultMetric: 0,
        frames: table,
        samples: builder.finish(),
        meta: newMeta('test'),
      }
    })
}

/**
 * Random call graphs as pstats records them: per function own and cumulative seconds, total and
 * primitive calls; per caller edge the same four. Recursion (self edges) included.
 */
export function pstatsProfiles(): fc.Arbitrary<Profile> {
  const seconds = fc.double({ min: 0, max: 1e4, noNaN: true, noDefaultInfinity: true })
  const calls = fc
    .tuple(fc.nat(10_000), fc.nat(10_000))
    .map(([a, b]) => [Math.max(a, b), Math.min(a, b)])
  return fc
    .record({
      frames: frameList('name+file+line'),
      nodes: fc.array(fc.record({ self: seconds, extra: seconds, calls }), {
        minLength: 8,
        maxLength: 8,
      }),
      edges: fc.array(
        fc.record({ caller: fc.nat(), callee: fc.nat(), self: seconds, total: seconds, calls }),
        { maxLength: 12 },
      ),
    })
    .map(({ frames, nodes, edges }) => {
      const table = new FrameTable()
      const ids = frames.map((f) => table.intern(f))
      const graph = new GraphBuilder(1)
      ids.forEach((id, i) => {
        const node = graph.node(id)
        node.self[0] = nodes[i].self
        node.total[0] = nodes[i].self + nodes[i].extra
        ;[node.calls, node.primitiveCalls] = nodes[i].calls
      })
      for (const e of edges) {
        const edge = graph.edge(ids[e.caller % ids.length], ids[e.callee % ids.length])
        edge.self = [e.self]
        edge.total[0] = e.total
        ;[edge.calls, edge.primitiveCalls] = e.calls
      }
      return {
        metrics: [{ name: 'time', unit: 'seconds' }],
        defaultMetric: 0,
        frames: table,
        graph: graph.finish(),
        meta: newMeta('test'),
      }
    })
}

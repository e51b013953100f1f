import { FrameTable, GraphBuilder, newMeta, type Profile } from '@profconv/model'
import { describeWithTool, run } from '@profconv/testkit'
import { writeDot } from '../src/index.js'
import { graphProfile, parseDot, stackProfile } from './helpers.js'

/** f0 → f1 → … → f(n-1) → f0, entered from main; every function has self 1. */
function ring(n: number): Profile {
  const frames = new FrameTable()
  const graph = new GraphBuilder(1)
  const ids = Array.from({ length: n }, (_, i) => frames.intern({ name: `f${i}` }))
  const main = frames.intern({ name: 'main' })
  graph.node(main).self[0] = 1
  for (const id of ids) graph.node(id).self[0] = 1
  for (const n of graph.nodes) n.total[0] = graph.nodes.length
  graph.edge(main, ids[0]).total[0] = n
  ids.forEach((id, i) => (graph.edge(id, ids[(i + 1) % n]).total[0] = n - 1))
  for (const e of graph.edges) e.calls = 1
  return {
    metrics: [{ name: 'cpu', unit: 'milliseconds' }],
    defaultMetric: 0,
    frames,
    graph: graph.finish(),
    meta: newMeta('test'),
  }
}

describe('mutual recursion, drawn the gprof2dot way', () => {
  test('calls back up a cycle show their count but no share; forward calls keep theirs', () => {
    const { edges } = parseDot(writeDot(ring(3)))
    expect(edges.get('main -> f0')!.label).toEqual(['75.00%', '1×'])
    expect(edges.get('f0 -> f1')!.label).toEqual(['50.00%', '1×'])
    expect(edges.get('f1 -> f2')!.label).toEqual(['50.00%', '1×'])
    expect(edges.get('f2 -> f0')!.label).toEqual(['1×'])
  })

  test('a self-call is drawn with its count only, weighted as its function', () => {
    const profile = graphProfile({ main: 1, fib: 3 }, ['main>fib:3:1', 'fib>fib:3:20'])
    const { nodes, edges } = parseDot(writeDot(profile))
    expect(edges.get('fib -> fib')!.label).toEqual(['20×'])
    expect(edges.get('fib -> fib')!.attrs.color).toBe(nodes.get('fib')!.attrs.color)
  })

  test('a cycle entered at two places ranks from both entries', () => {
    const profile = graphProfile({ main: 1, a: 1, b: 1 }, [
      'main>a:1:1',
      'main>b:1:1',
      'a>b:1:1',
      'b>a:1:1',
    ])
    const { edges } = parseDot(writeDot(profile))
    // Both a and b are entries (rank 0): each call between them goes back up.
    expect(edges.get('a -> b')!.label).toEqual(['1×'])
    expect(edges.get('b -> a')!.label).toEqual(['1×'])
  })

  test('a 10,000-function cycle draws (iterative SCC), one call back up', () => {
    const dot = writeDot(ring(10_000))
    const { nodes, edges } = parseDot(dot)
    expect(nodes.size).toBe(10_001)
    expect(edges.size).toBe(10_001)
    const back = [...edges].filter(([, e]) => !e.label[0].endsWith('%'))
    expect(back.map(([k]) => k)).toEqual(['f9999 -> f0'])
  })

  test('a 10,000-deep stack draws', () => {
    const deep = Array.from({ length: 10_000 }, (_, i) => `f${i}`).join(';')
    const { nodes, edges } = parseDot(writeDot(stackProfile([`${deep} 5`, 'f0;f1;f0 5'])))
    expect(nodes.size).toBe(10_000)
    expect(edges.size).toBe(10_000)
    expect(edges.get('f1 -> f0')!.label).toEqual([''])
    expect(edges.get('f0 -> f1')!.label).toEqual(['100.00%'])
  })
})

describeWithTool('dot', 'Graphviz lays out a 2,000-deep chain', () => {
  test('dot -Tplain shows every function', () => {
    const deep = Array.from({ length: 2_000 }, (_, i) => `f${i}`).join(';')
    const plain = run('dot', ['-Tplain'], { input: writeDot(stackProfile([`${deep} 1`])) })
    expect(plain.split('\n').filter((l) => l.startsWith('node '))).toHaveLength(2_000)
  }, 120_000)
})

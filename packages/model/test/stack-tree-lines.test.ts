import { FrameTable, SamplesBuilder, StackTree, samplesToGraph } from '../src/index.js'

describe('StackTree lines', () => {
  test('without lines nothing changes: no line column, line() is 0', () => {
    const tree = new StackTree()
    const a = tree.insert([0, 1])
    expect(tree.child(0, 1)).toBe(a)
    expect(tree.hasLines).toBe(false)
    expect(tree.line(a)).toBe(0)
  })

  test('one frame at two lines under one parent is two nodes of that frame', () => {
    const tree = new StackTree()
    const root = tree.child(-1, 0)
    const at10 = tree.child(root, 1, 10)
    const at12 = tree.child(root, 1, 12)
    const unknown = tree.child(root, 1)
    expect(new Set([at10, at12, unknown]).size).toBe(3)
    expect(tree.child(root, 1, 10)).toBe(at10)
    expect([tree.line(at10), tree.line(at12), tree.line(unknown), tree.line(root)]).toEqual([
      10, 12, 0, 0,
    ])
    expect(tree.stack(at12)).toEqual([0, 1])
  })

  test('lines survive growth and rehashing', () => {
    const tree = new StackTree()
    const nodes: number[] = []
    for (let i = 0; i < 5000; i++)
      nodes.push(tree.child(i % 7 === 0 ? -1 : nodes[i - 1], i % 13, i + 1))
    nodes.forEach((node, i) => {
      expect(tree.line(node)).toBe(i + 1)
      expect(tree.child(i % 7 === 0 ? -1 : nodes[i - 1], i % 13, i + 1)).toBe(node)
    })
  })

  test('per-function costs ignore lines: two lines of one function are one function', () => {
    const builder = new SamplesBuilder(1)
    const main = builder.tree.child(-1, 0)
    builder.add(builder.tree.child(main, 1, 10), [3])
    builder.add(builder.tree.child(main, 1, 12), [4])
    const graph = samplesToGraph(builder.finish(), 1)
    const f = graph.nodes.find((n) => n.frame === 1)!
    expect([f.self[0], f.total[0]]).toEqual([7, 7])
    expect(graph.edges).toHaveLength(1)
    expect(graph.edges[0].total).toEqual([7])
  })
})

describe('Frame systemName', () => {
  test('kept where it differs from the name, and part of the identity', () => {
    const table = new FrameTable()
    const a = table.intern({ name: 'f(int)', systemName: '_Z1fi' })
    const b = table.intern({ name: 'f(int)', systemName: '_Z1fl' })
    expect(a).not.toBe(b)
    expect(table.get(a)).toEqual({ name: 'f(int)', systemName: '_Z1fi' })
    const g = table.intern({ name: 'g' })
    expect(table.intern({ name: 'g', systemName: 'g' })).toBe(g)
    expect(table.get(g)).toEqual({ name: 'g' })
  })
})

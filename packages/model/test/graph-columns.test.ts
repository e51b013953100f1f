import { GraphBuilder, columnGraph, edgeColumns, newEdgeColumns } from '../src/index.js'

/** Two metrics; a→b with everything known, b→c with total and calls only. */
function built() {
  const graph = new GraphBuilder(2)
  const ab = graph.edge(0, 1)
  ab.total[0] = 3
  ab.total[1] = 30
  ab.calls = 2
  ab.primitiveCalls = 1
  ab.self = [1, 10]
  const bc = graph.edge(1, 2)
  bc.total[0] = 5
  bc.calls = 4
  return graph.finish()
}

describe('edges in columns', () => {
  test('edgeColumns of an object graph, then columnGraph of those, give the same edges', () => {
    const graph = built()
    const columns = edgeColumns(graph, 2)
    expect(Array.from(columns.caller)).toEqual([0, 1])
    expect(Array.from(columns.total)).toEqual([3, 30, 5, 0])
    expect(Array.from(columns.self)).toEqual([1, 10, NaN, NaN])
    expect(Array.from(columns.primitiveCalls)).toEqual([1, NaN])
    const again = columnGraph(graph.nodes, columns)
    expect(edgeColumns(again, 2)).toBe(columns)
    expect(again).toStrictEqual(graph)
  })

  test('the edge objects are made once, then they are the edges', () => {
    const columns = newEdgeColumns(1, 1)
    columns.callee[0] = 1
    const graph = columnGraph([], columns, true)
    expect(graph.edgeCostsEstimated).toBe(true)
    const edges = graph.edges
    expect(edges).toEqual([{ caller: 0, callee: 1, total: [0] }])
    expect(graph.edges).toBe(edges)
    edges[0].total[0] = 7
    expect(edgeColumns(graph, 1)).not.toBe(columns)
    expect(Array.from(edgeColumns(graph, 1).total)).toEqual([7])
    expect({ ...graph }.edges).toBe(edges)
  })
})

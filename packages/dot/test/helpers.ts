import {
  FrameTable,
  GraphBuilder,
  SamplesBuilder,
  newMeta,
  type Frame,
  type Profile,
} from '@profconv/model'

/** A drawn box or arrow: its attributes with label lines split. */
export interface Drawn {
  attrs: Record<string, string>
  label: string[]
}

/** The boxes (by shown name, the label's first line) and arrows (`a -> b`) of writeDot's output. */
export function parseDot(dot: string): {
  nodes: Map<string, Drawn>
  edges: Map<string, Drawn>
} {
  const ids = new Map<string, string>()
  const nodes = new Map<string, Drawn>()
  const edges = new Map<string, Drawn>()
  for (const line of dot.split('\n')) {
    const node = /^\t(\d+) \[(.*)\];$/.exec(line)
    const edge = /^\t(\d+) -> (\d+) \[(.*)\];$/.exec(line)
    if (node) {
      const drawn = attributes(node[2])
      ids.set(node[1], drawn.label[0])
      nodes.set(drawn.label[0], drawn)
    } else if (edge) edges.set(`${ids.get(edge[1])} -> ${ids.get(edge[2])}`, attributes(edge[3]))
  }
  return { nodes, edges }
}

function attributes(text: string): Drawn {
  const attrs: Record<string, string> = {}
  for (const [, key, quoted, bare] of text.matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|(\w+))/g))
    attrs[key] = quoted ?? bare
  return { attrs, label: (attrs.label ?? '').split('\\n') }
}

/** A call graph profile from `caller>callee:total:calls` edges and `name:self` nodes (ms). */
export function graphProfile(nodes: Record<string, number>, edges: string[]): Profile {
  const frames = new FrameTable()
  const graph = new GraphBuilder(1)
  const id = (name: string) => frames.intern({ name, file: `/src/${name}.c` })
  for (const [name, self] of Object.entries(nodes)) graph.node(id(name)).self[0] = self
  for (const spec of edges) {
    const [pair, total, calls] = spec.split(':')
    const [a, b] = pair.split('>')
    const e = graph.edge(id(a), id(b))
    e.total[0] = Number(total)
    e.calls = Number(calls)
  }
  // Totals: self plus what the function's out-edges carry (the sources here are acyclic or say so).
  const built = graph.finish()
  for (const n of built.nodes) {
    n.total[0] = n.self[0]
    n.calls = 1
    for (const e of built.edges)
      if (e.caller === n.frame && e.callee !== n.frame) n.total[0] += e.total[0]
  }
  return {
    metrics: [{ name: 'cpu', unit: 'milliseconds' }],
    defaultMetric: 0,
    frames,
    graph: built,
    meta: newMeta('test'),
  }
}

/** A sample profile from `a;b;c value` lines (one metric, milliseconds). */
export function stackProfile(
  lines: string[],
  frame = (name: string): Frame => ({ name }),
): Profile {
  const frames = new FrameTable()
  const samples = new SamplesBuilder(1)
  for (const line of lines) {
    const space = line.lastIndexOf(' ')
    const [stack, value] = [line.slice(0, space), line.slice(space + 1)]
    samples.addStack(
      stack.split(';').map((name) => frames.intern(frame(name))),
      [Number(value)],
    )
  }
  return {
    metrics: [{ name: 'cpu', unit: 'milliseconds' }],
    defaultMetric: 0,
    frames,
    samples: samples.finish(),
    meta: newMeta('test'),
  }
}

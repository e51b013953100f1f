import {
  FrameTable,
  SamplesBuilder,
  StackTree,
  newMeta,
  type CallGraph,
  type Frame,
  type Profile,
} from '@profconv/model'

/**
 * A profile as plain JSON for the report page: frames as objects, the sample tree and the call
 * graph as flat number arrays (`null` for an unknown call count). Samples of one stack are
 * summed into one; labels, sample times and source lines of stack nodes are not carried: no
 * view of the report uses them.
 */
export interface ProfileData {
  metrics: { name: string; unit: string }[]
  defaultMetric: number
  frames: Frame[]
  meta: { format: string; name?: string; comments: string[]; notes: string[] }
  samples?: { parent: number[]; frame: number[]; stack: number[]; values: number[][] }
  graph?: {
    /** Per node: frame, calls, primitive calls, then self and total per metric. */
    nodes: (number | null)[]
    /** Per edge: caller, callee, calls, primitive calls, then total per metric. */
    edges: (number | null)[]
    edgeCostsEstimated?: boolean
  }
}

const known = (v: number | undefined) => (v === undefined ? null : v)

export function encodeProfile(profile: Profile): ProfileData {
  const data: ProfileData = {
    metrics: profile.metrics.map((m) => ({ name: m.name, unit: m.unit })),
    defaultMetric: profile.defaultMetric,
    frames: profile.frames.frames,
    meta: {
      format: profile.meta.format,
      name: profile.meta.name,
      comments: profile.meta.comments,
      notes: profile.meta.notes,
    },
  }
  const s = profile.samples
  if (s) {
    const { parent, frame } = s.tree.columns()
    // One sample per stack (values summed): the report's views do not tell samples apart.
    const sums = s.values.map(() => new Float64Array(s.tree.length + 1))
    const seen = new Uint8Array(s.tree.length + 1)
    for (let i = 0; i < s.stack.length; i++) {
      seen[s.stack[i] + 1] = 1
      for (let k = 0; k < sums.length; k++) sums[k][s.stack[i] + 1] += s.values[k][i]
    }
    const stack: number[] = []
    for (let n = -1; n < s.tree.length; n++) if (seen[n + 1]) stack.push(n)
    data.samples = {
      parent: Array.from(parent),
      frame: Array.from(frame),
      stack,
      values: sums.map((c) => stack.map((n) => c[n + 1])),
    }
  }
  const g = profile.graph
  if (g) {
    const nodes: (number | null)[] = []
    for (const n of g.nodes)
      nodes.push(n.frame, known(n.calls), known(n.primitiveCalls), ...n.self, ...n.total)
    const edges: (number | null)[] = []
    for (const e of g.edges)
      edges.push(e.caller, e.callee, known(e.calls), known(e.primitiveCalls), ...e.total)
    data.graph = { nodes, edges }
    if (g.edgeCostsEstimated) data.graph.edgeCostsEstimated = true
  }
  return data
}

export function decodeProfile(data: ProfileData): Profile {
  const frames = new FrameTable()
  for (const f of data.frames) frames.add(f)
  const m = data.metrics.length
  const profile: Profile = {
    metrics: data.metrics,
    defaultMetric: data.defaultMetric,
    frames,
    meta: { ...newMeta(data.meta.format), ...data.meta },
  }
  if (data.samples) {
    const tree = new StackTree()
    const { parent, frame, stack, values } = data.samples
    // Nodes come parents first. Nodes that differed only by source line become one node.
    const node = new Int32Array(parent.length)
    for (let i = 0; i < parent.length; i++)
      node[i] = tree.child(parent[i] < 0 ? -1 : node[parent[i]], frame[i])
    const builder = new SamplesBuilder(m, tree)
    const row = new Array<number>(m)
    for (let i = 0; i < stack.length; i++) {
      for (let k = 0; k < m; k++) row[k] = values[k][i]
      builder.add(stack[i] < 0 ? -1 : node[stack[i]], row)
    }
    profile.samples = builder.finish()
  }
  if (data.graph) {
    const { nodes, edges } = data.graph
    const graph: CallGraph = { nodes: [], edges: [] }
    const orUndefined = (v: number | null) => (v === null ? undefined : v)
    for (let i = 0; i < nodes.length; i += 3 + 2 * m) {
      graph.nodes.push({
        frame: nodes[i]!,
        calls: orUndefined(nodes[i + 1]),
        primitiveCalls: orUndefined(nodes[i + 2]),
        self: nodes.slice(i + 3, i + 3 + m) as number[],
        total: nodes.slice(i + 3 + m, i + 3 + 2 * m) as number[],
      })
    }
    for (let i = 0; i < edges.length; i += 4 + m) {
      graph.edges.push({
        caller: edges[i]!,
        callee: edges[i + 1]!,
        calls: orUndefined(edges[i + 2]),
        primitiveCalls: orUndefined(edges[i + 3]),
        total: edges.slice(i + 4, i + 4 + m) as number[],
      })
    }
    profile.graph = data.graph.edgeCostsEstimated ? { ...graph, edgeCostsEstimated: true } : graph
  }
  return profile
}

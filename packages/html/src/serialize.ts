import {
  FrameTable,
  PositionBuilder,
  graphOf,
  SamplesBuilder,
  positionsOf,
  StackTree,
  newMeta,
  type CallGraph,
  type Frame,
  type PositionDetail,
  type Profile,
} from '@profconv/model'

/**
 * A profile as plain JSON for the report page: frames as objects, the sample tree and the call
 * graph as flat number arrays (`null` for an unknown call count). Samples of one stack are
 * summed into one; labels, sample times and source lines of stack nodes are not carried: no
 * view of the report uses them. Position detail is carried per source line (rows of one line at
 * several addresses summed), where the profile has lines: the report's per-line costs.
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
  positions?: {
    files: string[]
    /** Per row: frame, file (-1 unknown), line (0 unknown), then self per metric. */
    lines: number[]
    /** Per row: caller, callee, file, line, calls (null unknown), then total per metric. */
    sites: (number | null)[]
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
  const d = positionsOf(profile)
  if (d?.hasLines) data.positions = encodePositions(d, linesKept(profile, d))
  return data
}

/**
 * Rows of line detail (self rows and call sites) the report carries at most: past this, the
 * functions of most inclusive cost keep theirs (a 100 MB callgrind file has ~1.5M rows, which
 * would be most of a 70 MB page).
 */
export const MAX_LINE_ROWS = 200_000

/** Which functions keep their line detail (by frame id); undefined for all. Adds a note. */
function linesKept(profile: Profile, d: PositionDetail): Uint8Array | undefined {
  const rows = d.lines.length + d.sites.length
  if (rows <= MAX_LINE_ROWS) return undefined
  const count = new Float64Array(profile.frames.length)
  for (let r = 0; r < d.lines.length; r++) count[d.lines.frame[r]]++
  for (let r = 0; r < d.sites.length; r++) count[d.sites.caller[r]]++
  const m = profile.defaultMetric
  const order = (profile.graph ?? graphOf(profile)).nodes
    .filter((n) => count[n.frame] > 0)
    .sort((a, b) => b.total[m] - a.total[m])
  const keep = new Uint8Array(profile.frames.length)
  let kept = 0
  let functions = 0
  for (const n of order) {
    if (kept + count[n.frame] > MAX_LINE_ROWS) break
    keep[n.frame] = 1
    kept += count[n.frame]
    functions++
  }
  profile.meta.notes.push(
    `the report keeps the costs per line of the ${functions} functions of most inclusive ${profile.metrics[m].name} (${kept} of ${rows} rows of line detail), not those of the other ${order.length - functions}: -t list or -t callgrind show every line`,
  )
  return keep
}

/** The detail per (function, file, line): addresses are left out, their rows summed. */
function encodePositions(
  d: PositionDetail,
  keep: Uint8Array | undefined,
): NonNullable<ProfileData['positions']> {
  const M = d.metricCount
  const b = new PositionBuilder(M)
  const { lines: l, sites: s } = d
  for (let r = 0; r < l.length; r++)
    if (!keep || keep[l.frame[r]]) b.addSelf(l.frame[r], l.file[r], l.line[r], 0, 0, l.self, r * M)
  for (let r = 0; r < s.length; r++)
    if (!keep || keep[s.caller[r]])
      b.addSite(s.caller[r], s.callee[r], s.file[r], s.line[r], 0, 0, s.total, r * M, s.calls[r])
  const merged = b.finish(d.files)
  const lines: number[] = []
  const ml = merged.lines
  for (let r = 0; r < ml.length; r++)
    lines.push(ml.frame[r], ml.file[r], ml.line[r], ...ml.self.subarray(r * M, r * M + M))
  const sites: (number | null)[] = []
  const ms = merged.sites
  for (let r = 0; r < ms.length; r++)
    sites.push(
      ms.caller[r],
      ms.callee[r],
      ms.file[r],
      ms.line[r],
      Number.isNaN(ms.calls[r]) ? null : ms.calls[r],
      ...ms.total.subarray(r * M, r * M + M),
    )
  return { files: [...d.files], lines, sites }
}

function decodePositions(data: NonNullable<ProfileData['positions']>, m: number): PositionDetail {
  const b = new PositionBuilder(m)
  const { lines, sites } = data
  for (let i = 0; i < lines.length; i += 3 + m)
    b.addSelf(lines[i], lines[i + 1], lines[i + 2], 0, 0, lines, i + 3)
  const values = new Float64Array(m)
  for (let i = 0; i < sites.length; i += 5 + m) {
    for (let k = 0; k < m; k++) values[k] = sites[i + 5 + k]!
    const calls = sites[i + 4]
    b.addSite(sites[i]!, sites[i + 1]!, sites[i + 2]!, sites[i + 3]!, 0, 0, values, 0, calls ?? NaN)
  }
  return b.finish(data.files)
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
  if (data.positions) profile.positions = decodePositions(data.positions, m)
  return profile
}

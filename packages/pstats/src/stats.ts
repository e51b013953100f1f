import {
  FrameTable,
  GraphBuilder,
  graphComponents,
  graphOf,
  nanosecondsPer,
  newMeta,
  resolveMetric,
  type CallGraph,
  type Frame,
  type Profile,
} from '@profconv/model'

/** A function as pstats names it: `(file, line, name)`; builtins are `('~', 0, name)`. */
export interface PstatsKey {
  file: string
  line: number
  name: string
}

/**
 * A caller's share of a function: cProfile's `(nc, cc, tt, ct)` (note the order: total calls
 * first) or, from the pure-Python `profile` module, a bare call count.
 */
export type CallerValue = [nc: number, cc: number, tt: number, ct: number] | number

/**
 * One function of a pstats table: `cc` primitive (non-recursive) calls, `nc` all calls, `tt`
 * own time and `ct` cumulative time in seconds, and who called it.
 */
export interface PstatsEntry {
  key: PstatsKey
  cc: number
  nc: number
  tt: number
  ct: number
  callers: { key: PstatsKey; value: CallerValue }[]
}

export const TIME_METRIC = { name: 'time', unit: 'seconds' } as const

const ESTIMATED_CALLER_TIMES =
  "per-caller times were estimated from call counts (Python's profile module records only counts per caller)"

/**
 * The model of a pstats table: a call graph in seconds. yappi writes each function's `cc` and
 * `nc` swapped; a table where some function has more primitive than total calls is one of those
 * and is swapped back.
 */
export function entriesToProfile(entries: readonly PstatsEntry[], format: string): Profile {
  const frames = new FrameTable()
  const graph = new GraphBuilder(1)
  const meta = newMeta(format)
  const swapped = entries.some((e) => e.cc > e.nc)
  let estimated = false
  // Nodes first, in table order, so that writing back keeps the order.
  const frameOf = frameIds(frames)
  const nodes = entries.map((entry) => graph.node(frameOf(entry.key)))
  entries.forEach((entry, i) => {
    const node = nodes[i]
    node.self[0] += entry.tt
    node.total[0] += entry.ct
    const [cc, nc] = swapped ? [entry.nc, entry.cc] : [entry.cc, entry.nc]
    node.calls = (node.calls ?? 0) + nc
    node.primitiveCalls = (node.primitiveCalls ?? 0) + cc
    for (const { key, value } of entry.callers) {
      const edge = graph.edge(frameOf(key), node.frame)
      if (typeof value === 'number') {
        estimated = true
        edge.calls = (edge.calls ?? 0) + value
      } else {
        edge.calls = (edge.calls ?? 0) + value[0]
        edge.primitiveCalls = (edge.primitiveCalls ?? 0) + value[1]
        edge.self = [(edge.self?.[0] ?? 0) + value[2]]
        edge.total[0] += value[3]
      }
    }
  })
  if (swapped) meta.comments.push('yappi-style table: cc and nc of each function swapped back')
  if (estimated) {
    estimateCallerTimes(graph.finish())
    meta.notes.push(ESTIMATED_CALLER_TIMES)
  }
  return {
    metrics: [{ ...TIME_METRIC }],
    defaultMetric: 0,
    frames,
    graph: graph.finish(estimated),
    meta,
  }
}

/**
 * Per-caller times from bare call counts (Python's `profile` module). A function's cumulative
 * time counts only its outermost calls, and those come from callers outside its recursion
 * cycle: they share `ct` by their calls. Callers inside the cycle (recursive calls) and the own
 * time `tt` are shared by all calls.
 */
function estimateCallerTimes(graph: CallGraph): void {
  const component = graphComponents(graph)
  const outsideCalls = new Map<number, number>()
  for (const e of graph.edges) {
    if (component.get(e.caller) !== component.get(e.callee)) {
      outsideCalls.set(e.callee, (outsideCalls.get(e.callee) ?? 0) + (e.calls ?? 0))
    }
  }
  const nodeOf = new Map(graph.nodes.map((n) => [n.frame, n]))
  for (const e of graph.edges) {
    const callee = nodeOf.get(e.callee)!
    const calls = e.calls ?? 0
    const all = callee.calls ?? 0
    const outside = outsideCalls.get(e.callee) ?? 0
    const fromOutside = component.get(e.caller) !== component.get(e.callee) && outside > 0
    const share = fromOutside ? calls / outside : all > 0 ? calls / all : 0
    e.total[0] = callee.total[0] * share
    e.self = [all > 0 ? (callee.self[0] * calls) / all : 0]
  }
}

/**
 * A pstats table of a profile's call graph (derived exactly from samples where needed), for
 * the chosen metric converted to seconds. What cannot be kept is added to `profile.meta.notes`.
 */
export function profileToEntries(profile: Profile, metricChoice?: string | number): PstatsEntry[] {
  const m = resolveMetric(profile.metrics, profile.defaultMetric, metricChoice)
  const metric = profile.metrics[m]
  const notes = profile.meta.notes
  const perNs = nanosecondsPer(metric.unit)
  const scale = perNs === undefined ? 1 : perNs / 1e9
  if (perNs === undefined) {
    notes.push(`pstats holds times in seconds; '${metric.name}' (${metric.unit}) was written as-is`)
  }
  if (profile.metrics.length > 1) {
    const dropped = profile.metrics.filter((_, i) => i !== m).map((x) => x.name)
    notes.push(`pstats holds one metric: wrote '${metric.name}', dropped ${dropped.join(', ')}`)
  }
  const graph = graphOf(profile)
  const keys = uniqueKeys(
    profile.frames,
    graph.nodes.map((n) => n.frame),
  )
  const entries = new Map<number, PstatsEntry>()
  let unknownCalls = false
  for (const node of graph.nodes) {
    unknownCalls ||= node.calls === undefined
    const nc = Math.round(node.calls ?? 0)
    entries.set(node.frame, {
      key: keys.get(node.frame)!,
      cc: Math.round(node.primitiveCalls ?? nc),
      nc,
      tt: node.self[m] * scale,
      ct: node.total[m] * scale,
      callers: [],
    })
  }
  for (const edge of graph.edges) {
    const key = keys.get(edge.caller)!
    const nc = Math.round(edge.calls ?? 0)
    const value: CallerValue = graph.edgeCostsEstimated
      ? nc
      : [
          nc,
          Math.round(edge.primitiveCalls ?? nc),
          (edge.self?.[m] ?? 0) * scale,
          edge.total[m] * scale,
        ]
    entries.get(edge.callee)!.callers.push({ key, value })
  }
  if (unknownCalls) notes.push('call counts are not in the source; pstats shows them as 0')
  return [...entries.values()]
}

/**
 * Frame ids of pstats keys, looked up by name, then file and line: the names decoded from the
 * file are hashed once each, where a joined key string would be built for each of a million
 * caller entries.
 */
function frameIds(frames: FrameTable): (key: PstatsKey) => number {
  const byName = new Map<string, { file: string; line: number; id: number }[]>()
  return (key) => {
    let seen = byName.get(key.name)
    if (!seen) byName.set(key.name, (seen = []))
    for (const s of seen) if (s.line === key.line && s.file === key.file) return s.id
    const id = frames.intern(keyToFrame(key))
    seen.push({ file: key.file, line: key.line, id })
    return id
  }
}

function keyToFrame(key: PstatsKey): Frame {
  return {
    name: key.name,
    file: key.file === '~' ? undefined : key.file,
    line: key.line === 0 ? undefined : key.line,
  }
}

/** pstats keys of frames; frames that differ only in module get the module in the name. */
function uniqueKeys(frames: FrameTable, ids: readonly number[]): Map<number, PstatsKey> {
  const keys = new Map<number, PstatsKey>()
  const used = new Set<string>()
  for (const id of ids) {
    const frame = frames.get(id)
    const key = { file: frame.file ?? '~', line: frame.line ?? 0, name: frame.name }
    for (let n = 1; used.has(`${key.file}\0${key.line}\0${key.name}`); n++) {
      key.name = `${frame.name} [${n === 1 && frame.module ? frame.module : n}]`
    }
    used.add(`${key.file}\0${key.line}\0${key.name}`)
    keys.set(id, key)
  }
  return keys
}

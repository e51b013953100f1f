import {
  FrameTable,
  columnGraph,
  graphComponents,
  graphOf,
  nanosecondsPer,
  newEdgeColumns,
  newMeta,
  oneMetricNote,
  resolveMetric,
  type CallGraph,
  type Frame,
  type GraphNode,
  type Profile,
} from '@profconv/model'
import { StatsTable } from './stats-table.js'

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
 * The model of a list of pstats entries (the generic readers: the marshal tree, JSON).
 */
export function entriesToProfile(entries: readonly PstatsEntry[], format: string): Profile {
  const table = new StatsTable()
  const keyOf = (key: PstatsKey) => table.keys.keyOf(key.file, key.line, key.name)
  for (const e of entries) {
    const entry = table.entry(keyOf(e.key), e.cc, e.nc, e.tt, e.ct)
    for (const { key, value } of e.callers) {
      if (typeof value === 'number') table.callerCount(entry, keyOf(key), value)
      else table.caller(entry, keyOf(key), ...value)
    }
  }
  return tableToProfile(table, format)
}

/**
 * The model of a pstats table: a call graph in seconds, built as `GraphBuilder` would build it
 * from the entries in order (same frame ids, node and edge order, and sums), but from flat
 * arrays, with the edges left in columns (`columnGraph`): a million caller records make no
 * object at all until something asks for `graph.edges`. yappi writes each
 * function's `cc` and `nc` swapped; a table where some function has more primitive than total
 * calls is one of those and is swapped back.
 */
export function tableToProfile(table: StatsTable, format: string): Profile {
  const meta = newMeta(format)
  let swapped = false
  for (let i = 0; i < table.entries; i++) swapped ||= table.entryCc[i] > table.entryNc[i]
  const { frames, frameOfKey, tableFrames } = tableFrameIds(table)
  const nodes = tableNodes(table, frameOfKey, frames.length, tableFrames, swapped)
  const { edges, estimated } = tableEdges(table, frameOfKey, frames.length, tableFrames)
  const graph = columnGraph(nodes, edges, estimated)
  if (swapped) meta.comments.push('yappi-style table: cc and nc of each function swapped back')
  if (estimated) {
    estimateCallerTimes(graph)
    meta.notes.push(ESTIMATED_CALLER_TIMES)
  }
  return { metrics: [{ ...TIME_METRIC }], defaultMetric: 0, frames, graph, meta }
}

/**
 * Frame ids in `GraphBuilder`'s order: the table's functions first, in table order (so that
 * writing back keeps the order), then callers that have no entry, as first met. Distinct keys
 * are distinct frames (added without a lookup), so frame ids are 0..n-1 and double as node
 * indices.
 */
function tableFrameIds(table: StatsTable) {
  const { keys } = table
  const frames = new FrameTable()
  const frameOfKey = new Int32Array(keys.length).fill(-1)
  const assign = (key: number) => {
    if (frameOfKey[key] >= 0) return
    const file = keys.strings[keys.keyFile[key]]
    const name = keys.strings[keys.keyName[key]]
    frameOfKey[key] = frames.add(keyToFrame({ file, line: keys.keyLine[key], name }))
  }
  for (let i = 0; i < table.entries; i++) assign(table.entryKey[i])
  const tableFrames = frames.length
  for (let r = 0; r < table.records; r++) assign(table.recordKey[r])
  return { frames, frameOfKey, tableFrames }
}

/** One node per frame; the table's functions (the first `tableFrames`) carry their sums. */
function tableNodes(
  table: StatsTable,
  frameOfKey: Int32Array,
  count: number,
  tableFrames: number,
  swapped: boolean,
): GraphNode[] {
  const self = new Float64Array(tableFrames)
  const total = new Float64Array(tableFrames)
  const calls = new Float64Array(tableFrames)
  const primitive = new Float64Array(tableFrames)
  const [ccs, ncs] = swapped ? [table.entryNc, table.entryCc] : [table.entryCc, table.entryNc]
  for (let i = 0; i < table.entries; i++) {
    const f = frameOfKey[table.entryKey[i]]
    self[f] += table.entryTt[i]
    total[f] += table.entryCt[i]
    calls[f] += ncs[i]
    primitive[f] += ccs[i]
  }
  const nodes: GraphNode[] = new Array<GraphNode>(count)
  for (let f = 0; f < count; f++) {
    nodes[f] =
      f < tableFrames
        ? {
            frame: f,
            self: [self[f]],
            total: [total[f]],
            calls: calls[f],
            primitiveCalls: primitive[f],
          }
        : { frame: f, self: [0], total: [0] }
  }
  return nodes
}

/**
 * One edge per caller→callee pair, in the order pairs are first met, summing the records of a
 * pair (only a hand-made file repeats one), in columns: no object per edge.
 */
function tableEdges(
  table: StatsTable,
  frameOfKey: Int32Array,
  frameCount: number,
  tableFrames: number,
) {
  const records = table.records
  const callerOf = new Int32Array(records)
  const calleeOf = new Int32Array(records)
  for (let r = 0; r < records; r++) {
    callerOf[r] = frameOfKey[table.recordKey[r]]
    calleeOf[r] = frameOfKey[table.entryKey[table.recordEntry[r]]]
  }
  // The first record of each pair, found with a stamp per caller: that needs the records of one
  // callee together, in table order. They are, unless a function has several entries.
  const order = table.entries === tableFrames ? undefined : byCallee(calleeOf, frameCount)
  const firstOf = new Int32Array(records)
  const stamp = new Int32Array(frameCount).fill(-1)
  const firstRecord = new Int32Array(frameCount)
  for (let k = 0; k < records; k++) {
    const r = order ? order[k] : k
    const caller = callerOf[r]
    if (stamp[caller] !== calleeOf[r]) {
      stamp[caller] = calleeOf[r]
      firstRecord[caller] = r
    }
    firstOf[r] = firstRecord[caller]
  }
  const edgeOf = new Int32Array(records)
  let count = 0
  for (let r = 0; r < records; r++) edgeOf[r] = firstOf[r] === r ? count++ : edgeOf[firstOf[r]]

  // Calls are summed over every record of a pair, times over its tuple records (as GraphBuilder
  // would); an edge with only bare counts has no self and no primitive calls.
  const edges = newEdgeColumns(count, 1)
  edges.calls.fill(0)
  let estimated = false
  for (let r = 0; r < records; r++) {
    const e = edgeOf[r]
    if (firstOf[r] === r) {
      edges.caller[e] = callerOf[r]
      edges.callee[e] = calleeOf[r]
    }
    edges.calls[e] += table.recordNc[r]
    if (table.recordCountOnly[r]) {
      estimated = true
    } else {
      if (Number.isNaN(edges.self[e])) edges.self[e] = edges.primitiveCalls[e] = 0
      edges.primitiveCalls[e] += table.recordCc[r]
      edges.self[e] += table.recordTt[r]
      edges.total[e] += table.recordCt[r]
    }
  }
  return { edges, estimated }
}

/** Record indices grouped by callee, in table order within a callee (a counting sort). */
function byCallee(calleeOf: Int32Array, frameCount: number): Int32Array {
  const start = new Int32Array(frameCount + 1)
  for (const callee of calleeOf) start[callee + 1]++
  for (let f = 0; f < frameCount; f++) start[f + 1] += start[f]
  const order = new Int32Array(calleeOf.length)
  for (let r = 0; r < calleeOf.length; r++) order[start[calleeOf[r]]++] = r
  return order
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
  for (const e of graph.edges) {
    const callee = graph.nodes[e.callee] // frame ids are node indices here
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
  const one = oneMetricNote('pstats', profile.metrics, m)
  if (one) notes.push(one)
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

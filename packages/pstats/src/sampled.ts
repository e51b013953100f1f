import {
  FrameTable,
  GraphBuilder,
  PositionBuilder,
  checkPositions,
  newMeta,
  type CallGraph,
  type Metric,
  type PositionDetail,
  type Profile,
} from '@profconv/model'
import type { PstatsEntry } from './stats.js'

/**
 * The marker key Python 3.15's sampling profiler (`python -m profiling.sampling --pstats`, "Tachyon")
 * adds to the stats dict: `("__sampled__",)` → `True`.
 */
export const SAMPLED_MARKER = '__sampled__'

const SAMPLES: Metric = { name: 'samples', unit: 'count' }
const TIME: Metric = { name: 'time', unit: 'seconds' }

/**
 * The model of a Tachyon pstats table. Its entries are keyed by the *sampled* line, not the line
 * a function starts at, so one function appears under several keys: they become one function per
 * (file, name). `cc` is the samples with the key at the top of the stack, `nc` the samples with it
 * anywhere on the stack, `tt`/`ct` the same times the interval; a caller maps to a sample count.
 * Metrics: `samples` (count) and `time` (seconds, the default). Call counts are unknown.
 */
export function sampledToProfile(
  entries: readonly PstatsEntry[],
  format: string,
  positions = false,
): Profile {
  const meta = newMeta(format)
  meta.comments.push('sampled by Python 3.15 profiling.sampling (Tachyon): counts are samples')
  const frames = new FrameTable()
  const byFunction = new Map<string, number>()
  const frameOf = (file: string, name: string) => {
    const id = `${file}\u0000${name}`
    let frame = byFunction.get(id)
    if (frame === undefined) {
      frame = frames.add(file === '~' ? { name } : { name, file })
      byFunction.set(id, frame)
    }
    return frame
  }
  // The interval: the seconds a sample stands for, from any key that was sampled.
  let interval = 0
  for (const e of entries) {
    if (e.nc > 0 && e.ct > 0) {
      interval = e.ct / e.nc
      break
    }
  }
  const graph = new GraphBuilder(2)
  let totalSamples = 0
  // Per function: the sum and the largest of its keys' cumulative samples.
  const keySum = new Map<number, number>()
  const keyMax = new Map<number, number>()
  for (const e of entries) {
    const node = graph.node(frameOf(e.key.file, e.key.name))
    node.self[0] += e.cc
    node.self[1] += e.tt
    totalSamples += e.cc
    keySum.set(node.frame, (keySum.get(node.frame) ?? 0) + e.nc)
    keyMax.set(node.frame, Math.max(keyMax.get(node.frame) ?? 0, e.nc))
  }
  // Per function: the samples it was entered in from another function (pairs caller → it).
  const entered = new Map<number, number>()
  for (const e of entries) {
    const callee = frameOf(e.key.file, e.key.name)
    for (const { key, value } of e.callers) {
      const count = typeof value === 'number' ? value : value[0]
      const caller = frameOf(key.file, key.name)
      graph.edge(caller, callee).total[0] += count
      if (caller !== callee) entered.set(callee, (entered.get(callee) ?? 0) + count)
    }
  }
  // Tachyon counts a sample once per distinct (file, line, name) on the stack, so a function on
  // the stack at two lines (recursion) is counted twice in the sum over its keys, and a caller
  // pair once per repetition. A function's samples are at most the sum over its keys and the
  // samples it was entered in from other functions, at least its largest key's; an arc's at
  // most its callee's.
  let corrected = 0
  for (const node of graph.nodes) {
    const sum = keySum.get(node.frame)!
    const fromOthers = entered.get(node.frame)
    let total = Math.min(sum, fromOthers ?? sum, totalSamples)
    total = Math.max(total, Math.min(keyMax.get(node.frame)!, totalSamples))
    if (total !== sum) corrected++
    node.total[0] = total
    node.total[1] = total * interval
  }
  const totalOf = new Map(graph.nodes.map((n) => [n.frame, n.total[0]]))
  for (const edge of graph.edges) {
    const most = Math.min(totalOf.get(edge.callee)!, totalOf.get(edge.caller)!)
    if (edge.total[0] > most) {
      edge.total[0] = most
      corrected++
    }
    edge.total[1] = edge.total[0] * interval
  }
  if (corrected > 0) {
    meta.notes.push(
      `Tachyon pstats: ${corrected} cumulative sample count(s) estimated (a function sampled at several lines of one stack, or a recursive call pair, is counted once per line or repetition in the file)`,
    )
  }
  meta.notes.push('Tachyon pstats (sampled): call counts are not in the file')
  const graphDone = graph.finish()
  const detail = positions ? sampledPositions(entries, graphDone, frameOf, interval) : undefined
  if (detail) checkPositions(detail, graphDone, format)
  if (interval > 0) meta.period = { metric: { ...TIME }, value: interval }
  return {
    metrics: [{ ...SAMPLES }, { ...TIME }],
    defaultMetric: 1,
    frames,
    graph: graphDone,
    ...(detail ? { positions: detail } : {}),
    meta,
  }
}

/**
 * The lines of a Tachyon table as position detail: each key's own samples at its sampled line
 * (a function's rows sum to its self), and each caller's samples at the caller's sampled line
 * as a call site, scaled so that an arc's sites sum to its (bounded) total.
 */
function sampledPositions(
  entries: readonly PstatsEntry[],
  graph: CallGraph,
  frameOf: (file: string, name: string) => number,
  interval: number,
): PositionDetail {
  const builder = new PositionBuilder(2)
  const fileOf = (file: string) => builder.file(file === '~' ? undefined : file)
  for (const e of entries) {
    if (e.cc > 0)
      builder.addSelf(frameOf(e.key.file, e.key.name), fileOf(e.key.file), e.key.line, 0, 0, [
        e.cc,
        e.tt,
      ])
  }
  const arcTotal = new Map<string, number>()
  for (const edge of graph.edges) arcTotal.set(`${edge.caller} ${edge.callee}`, edge.total[0])
  const rawSum = new Map<string, number>()
  const sites: { caller: number; callee: number; file: number; line: number; count: number }[] = []
  for (const e of entries) {
    const callee = frameOf(e.key.file, e.key.name)
    for (const { key, value } of e.callers) {
      const count = typeof value === 'number' ? value : value[0]
      const caller = frameOf(key.file, key.name)
      const arc = `${caller} ${callee}`
      rawSum.set(arc, (rawSum.get(arc) ?? 0) + count)
      sites.push({ caller, callee, file: fileOf(key.file), line: key.line, count })
    }
  }
  const values = [0, 0]
  for (const site of sites) {
    const arc = `${site.caller} ${site.callee}`
    const raw = rawSum.get(arc)!
    values[0] = raw > 0 ? (site.count * arcTotal.get(arc)!) / raw : 0
    values[1] = values[0] * interval
    builder.addSite(site.caller, site.callee, site.file, site.line, 0, 0, values, 0, NaN)
  }
  return builder.finish()
}
